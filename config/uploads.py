"""An upload handler that stops keeping a file once it is larger than any upload the service
reads (FILE_UPLOAD_MAX_BYTES: the spreadsheet import's 50 MB), so a huge request cannot fill
the disk with a temporary file (Django's own handlers keep whatever arrives).

The rest of such a file is read from the connection and dropped, and the view receives an
empty file that knows its real size, so its size check gives the usual message ("must be
smaller than 50 MB") rather than a damaged file. The front web server's own limit on request
bodies (nginx's client_max_body_size) should sit a little above this one.
"""

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class TooBig(SimpleUploadedFile):
    """What is left of a file past the limit: nothing, but its size."""

    def __init__(self, name: str, content_type: str, size: int):
        super().__init__(name, b"", content_type)
        self.size = size


class SizeLimitHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: passes each chunk on to Django's handlers until the file
    passes the limit, then keeps nothing more of it."""

    def new_file(self, field_name, file_name, content_type, *args, **kwargs):
        super().new_file(field_name, file_name, content_type, *args, **kwargs)
        self.too_big = False

    def receive_data_chunk(self, raw_data, start):
        if self.too_big or start + len(raw_data) > settings.FILE_UPLOAD_MAX_BYTES:
            self.too_big = True
            return None  # the handlers after this one keep nothing more of it
        return raw_data

    def file_complete(self, file_size):
        if self.too_big:
            return TooBig(self.file_name or "upload", self.content_type or "", file_size)
        return None  # Django's handlers make the file as usual
