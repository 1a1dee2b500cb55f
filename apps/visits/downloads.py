"""How a visit photo leaves the server, for the photo page and the API's `file` action alike (below
both, so neither imports the other): only through a permission-checked view, never a public URL."""

from django.http import FileResponse

from .models import VisitPhoto


def photo_response(photo: VisitPhoto) -> FileResponse:
    response = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
    response["Content-Disposition"] = f'inline; filename="visit-{photo.visit_id}-{photo.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
