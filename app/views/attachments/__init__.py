"""影像资料 views: the attachment panel, its page list, preview and scanner picker."""

from app.views.attachments.panel import AttachmentPanel

__all__ = ["AttachmentPanel"]
