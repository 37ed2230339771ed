"""Public pages are the same for everyone and may be kept by any cache for a few minutes.

A view marks its response public with `publication.http.public` (which sets
`response.is_public`). For such a response this middleware, which sits outside the session,
CSRF and messages middleware, has the last word:

- `Cache-Control: public, max-age=300`, whatever a signed-in visitor's request would have
  made it (accounts.middleware.PrivatePagesMiddleware leaves public responses alone);
- no `Set-Cookie` at all: a signed-in visitor's session is saved on every request
  (SESSION_SAVE_EVERY_REQUEST), and a shared cache must never keep, and hand on, a response
  that sets someone's session cookie;
- no `Vary: Cookie`: the page does not depend on who is asking, so caches keep one copy.

The public templates never show who is signed in, a CSRF token or a message, so dropping
these is honest: the body is byte for byte the same for every visitor.
"""

#: How long a browser or shared cache may keep a public page: short, so a newly approved
#: update or an unpublished strategy leaves caches within five minutes.
MAX_AGE = 300


class PublicPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "is_public", False):
            response.cookies.clear()
            vary = [
                v.strip()
                for v in response.get("Vary", "").split(",")
                if v.strip() and v.strip().lower() != "cookie"
            ]
            if vary:
                response["Vary"] = ", ".join(vary)
            elif "Vary" in response:
                del response["Vary"]
            response["Cache-Control"] = f"public, max-age={MAX_AGE}"
        return response
