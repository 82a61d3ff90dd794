"""The test provider's claims: the national ID it vouches for is kept in the provider user's
`last_name` (a test provider needs no model of its own). A user whose `first_name` is
`userinfo-only` gets it only from the userinfo endpoint, as some national e-IDs do."""

from oauth2_provider.oauth2_validators import OAuth2Validator


class NationalIdValidator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "national_id": "national_id"}

    def get_additional_claims(self, request):
        return {"national_id": request.user.last_name}

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        if request.user.first_name == "userinfo-only":
            claims.pop("national_id", None)
        return claims, expiration_time
