"""Admin exports (django-import-export) written through ``opsi.exports``."""

from django.core.exceptions import PermissionDenied

from .exports import EXPORT_FORMATS


class SpreadsheetExportMixin:
    """Put before ``ImportExportMixin``/``ExportMixin``: CSV and Excel only, each cell escaped.

    The library's own escaping (``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT``) drops a
    leading ``=`` and leaves ``+ - @`` live; the formats here hand every formula-like
    text over as text.
    """

    export_formats = EXPORT_FORMATS

    def get_export_data(self, file_format, request, queryset, **kwargs):
        if not self.has_export_permission(request):
            raise PermissionDenied
        # The library keeps numbers and dates native only for its own Excel class.
        data = self.get_data_for_export(request, queryset, force_native_type=file_format.is_binary(), **kwargs)
        content = file_format.export_data(data)
        encoding = kwargs.get("encoding")
        if not file_format.is_binary() and encoding:
            content = content.encode(encoding)
        return content
