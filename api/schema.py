"""OpenAPI description of the token authentication (drf-spectacular extension; loaded in
ApiConfig.ready so the schema generator finds it)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Persönliches API-Token (Mein Profil → API-Token)",
        }
