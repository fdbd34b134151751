"""A file sent as a download, for pages and API alike."""

from collections.abc import Iterable

from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse


def download_response(
    content: bytes | Iterable[str] | Iterable[bytes], *, content_type: str, filename: str
) -> HttpResponseBase:
    """``content`` as an attachment named ``filename``: whole when it is bytes, streamed
    as it is produced otherwise (rows read while the file is sent)."""
    response: HttpResponseBase
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
