"""What the apps that record work add about a member (``opsi.contributions``).

Each of them fills these from its ``AppConfig.ready()``; ``members`` imports none of them.
"""

from opsi.contributions import Contributions

# ``entries(member, user, limit) -> [members.timeline.Entry]``: the newest ``limit`` entries of each
# kind the app records (the timeline shows the newest of all), a constant number of queries each.
timeline = Contributions("a member's timeline", ["member", "user", "limit"])

# ``part(member, user) -> dict`` of names for the member page's template.
member_page = Contributions("the member page", ["member", "user"])

# ``forget(member, old_code, code)``: put the pseudonym ``code`` in place of the member's
# ``old_code`` in the app's records (erasure.forget_member, inside its transaction).
erasure = Contributions("forgetting a member", ["member", "old_code", "code"])

# ``records(member_id) -> [(model, [pk, ...])]``: the app's records of a member whose audit
# entries the audit trail's member filter shows.
trail_records = Contributions("the audit trail of a member", ["member_id"])

# ``follow(member)``: the member now belongs to ``member.branch`` (her move was just recorded,
# inside the same transaction): the app's records that copy her branch take the new one.
moved = Contributions("a member moving to another branch", ["member"])
