"""One Powertools Router per endpoint; `functions/<name>/app.py` mounts one, openapi mounts all."""
