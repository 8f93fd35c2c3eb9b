"""What this app adds to forgetting a member (``members.contributions.erasure``)."""

from .models import MemberRequest


def forget(member, old_code, code):
    # What she asked may describe her; that a request was made, when, and how it was answered stay
    # (the answer is OPSI's account of what it did, written without names).
    MemberRequest.objects.filter(member=member).update(details="")


def connect():
    from members import contributions as members

    members.erasure.add(forget)
