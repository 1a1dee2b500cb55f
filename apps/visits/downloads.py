"""How a visit photo leaves the server, for the photo page and the API's `file` action alike (below
both, so neither imports the other): only through a permission-checked view, never a public URL.

A review page lists many photos at once: it asks for thumbnails (`photo_response(…, thumbnail=True)`),
a small JPEG made from the photo when asked, so a manager's phone loads a few kilobytes per visit
instead of megabytes; the full photo opens from the thumbnail's link."""

import io

from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import VisitPhoto

# The longest side of a thumbnail, in pixels: sharp at the review's 64–96 CSS px on a 3× screen.
THUMBNAIL_PX = 288


def photo_response(photo: VisitPhoto, *, thumbnail: bool = False) -> HttpResponseBase:
    """The photo (or its thumbnail) as a private, inline answer. A file Pillow cannot read has no
    thumbnail: the photo itself is answered then, as it was stored."""
    small = _thumbnail(photo) if thumbnail else None
    if small is not None:
        response: HttpResponseBase = HttpResponse(small, content_type="image/jpeg")
        name = f"visit-{photo.visit_id}-{photo.pk}-thumbnail.jpg"
    else:
        response = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
        name = f"visit-{photo.visit_id}-{photo.pk}"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _thumbnail(photo: VisitPhoto) -> bytes | None:
    try:
        with photo.image.open("rb") as file, Image.open(file) as image:
            # A JPEG is decoded at the smallest scale still larger than the thumbnail: a fraction of
            # the work of decoding a 12-megapixel photo in full.
            image.draft("RGB", (THUMBNAIL_PX, THUMBNAIL_PX))
            small = ImageOps.exif_transpose(image) or image  # phones store portraits turned by EXIF
            small.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
            if small.mode not in ("RGB", "L"):
                rgba = small.convert("RGBA")
                small = Image.new("RGB", rgba.size, "white")
                small.paste(rgba, mask=rgba.getchannel("A"))
            out = io.BytesIO()
            small.save(out, "JPEG", quality=80, optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        return None
