"""The relying party of the national e-ID over OpenID Connect: discovery, the authorization
request (code flow with PKCE S256, `state` and `nonce`), the code exchange and the ID token's
checks.

Authlib (`OAuth2Session` over requests) builds the authorization address, the PKCE challenge and the
token request; joserfc, Authlib's JOSE library, verifies the ID token's signature against the
provider's JWKS; Authlib's `CodeIDToken` checks iss, aud, exp, iat, nonce, azp and at_hash.
This module knows no request or session: the portal keeps `state`, `nonce` and the PKCE
verifier in the citizen's session and hands them back here. Every failure is an `EidFailed`
whose code says what happened, never what the provider or the token contained.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from django.conf import settings
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from onestop.core import clock
from onestop.core.errors import DomainError

logger = logging.getLogger(__name__)

ID_TOKEN_ALGORITHMS = ["RS256"]
CLOCK_LEEWAY_SECONDS = 60
METADATA_SECONDS = 300
# Provider answers a citizen may cause by choice rather than by a fault.
CANCELLED_ERRORS = {"access_denied", "login_required", "consent_required", "interaction_required"}


class EidFailed(DomainError):
    """The e-ID sign-in did not complete. `code` is one of: eid_cancelled, eid_state_invalid,
    eid_provider_error, eid_unreachable, eid_token_refused, eid_id_token_invalid,
    eid_claim_missing."""

    code = "eid_failed"
    status = 400


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    scopes: tuple[str, ...]
    national_id_claim: str
    timeout: float


@dataclass(frozen=True)
class AuthorizationRequest:
    """Where to send the citizen, and what the callback must find again in their session."""

    url: str
    state: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True)
class EidIdentity:
    issuer: str
    subject: str
    national_id: str
    claims: dict[str, Any]


def oidc_config() -> OidcConfig | None:
    """The e-ID settings, or None when the e-ID sign-in is not configured (deny by default)."""
    if not (
        settings.ONESTOP_OIDC_ISSUER
        and settings.ONESTOP_OIDC_CLIENT_ID
        and settings.ONESTOP_OIDC_CLIENT_SECRET
    ):
        return None
    return OidcConfig(
        issuer=settings.ONESTOP_OIDC_ISSUER,
        client_id=settings.ONESTOP_OIDC_CLIENT_ID,
        client_secret=settings.ONESTOP_OIDC_CLIENT_SECRET,
        scopes=tuple(settings.ONESTOP_OIDC_SCOPES),
        national_id_claim=settings.ONESTOP_OIDC_NATIONAL_ID_CLAIM,
        timeout=settings.ONESTOP_OIDC_TIMEOUT,
    )


class _MetadataCache:
    """The provider's discovery document and JWKS per issuer, kept a few minutes so a sign-in
    costs the provider two requests (token, and JWKS only when its keys rotate)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, dict[str, Any]]] = {}

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, key: str, value: dict[str, Any]) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic() + METADATA_SECONDS, value)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_cache = _MetadataCache()


def oidc_metadata_forget() -> None:
    """Drop cached discovery documents and key sets (a rotated provider, tests)."""
    _cache.clear()


def _get_json(url: str, *, timeout: float) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=timeout, headers={"Accept": "application/json"})
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        logger.warning("e-ID provider unreachable: %s (%s)", url, type(error).__name__)
        raise EidFailed("The e-ID provider did not answer.", code="eid_unreachable") from error
    if not isinstance(document, dict):
        raise EidFailed("The e-ID provider answered nonsense.", code="eid_provider_error")
    return document


def oidc_metadata(config: OidcConfig) -> dict[str, Any]:
    """The provider's discovery document, which must name the configured issuer exactly
    (OpenID Connect Discovery 1.0, section 4.3)."""
    cached = _cache.get(f"metadata:{config.issuer}")
    if cached is not None:
        return cached
    url = config.issuer.rstrip("/") + "/.well-known/openid-configuration"
    metadata = _get_json(url, timeout=config.timeout)
    required = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
    if metadata.get("issuer") != config.issuer or not all(metadata.get(k) for k in required):
        logger.warning("e-ID discovery document at %s does not fit the issuer", url)
        raise EidFailed(
            "The e-ID provider's discovery document is wrong.", code="eid_provider_error"
        )
    _cache.put(f"metadata:{config.issuer}", metadata)
    return metadata


def _key_set(config: OidcConfig, metadata: dict[str, Any], *, refresh: bool) -> KeySet:
    cached = None if refresh else _cache.get(f"jwks:{config.issuer}")
    document = cached or _get_json(metadata["jwks_uri"], timeout=config.timeout)
    try:
        keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError) as error:
        raise EidFailed(
            "The e-ID provider's keys are unreadable.", code="eid_provider_error"
        ) from error
    _cache.put(f"jwks:{config.issuer}", document)
    return keys


def _client(config: OidcConfig, redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(
        client_id=config.client_id,
        client_secret=config.client_secret,
        scope=" ".join(config.scopes),
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",  # noqa: S106 - a method name
        default_timeout=config.timeout,
    )


def oidc_authorization_start(*, config: OidcConfig, redirect_uri: str) -> AuthorizationRequest:
    """A fresh `state`, `nonce` and PKCE verifier (each 256 bits from `secrets`), and the
    provider's authorization address carrying the state, the nonce and the S256 challenge."""
    metadata = oidc_metadata(config)
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    with _client(config, redirect_uri) as client:
        url, _ = client.create_authorization_url(
            metadata["authorization_endpoint"], state=state, code_verifier=verifier, nonce=nonce
        )
    return AuthorizationRequest(url=url, state=state, nonce=nonce, code_verifier=verifier)


def oidc_callback_code(*, expected_state: str, params: Mapping[str, str]) -> str:
    """The authorization code of a callback whose `state` is the one this browser was sent
    with; a provider's error answer (the citizen cancelled, …) or a forged callback fails."""
    state = params.get("state", "")
    if not expected_state or not secrets.compare_digest(state, expected_state):
        raise EidFailed("The sign-in answer does not match this browser.", code="eid_state_invalid")
    error = params.get("error", "")
    if error:
        logger.info("e-ID provider answered the error %r", error[:64])
        code = "eid_cancelled" if error in CANCELLED_ERRORS else "eid_provider_error"
        raise EidFailed("The e-ID provider did not sign the citizen in.", code=code)
    authorization_code = params.get("code", "")
    if not authorization_code:
        raise EidFailed("The sign-in answer carries no code.", code="eid_provider_error")
    return authorization_code


def oidc_id_token_verify(
    *, config: OidcConfig, id_token: str, keys: KeySet, nonce: str, access_token: str = ""
) -> dict[str, Any]:
    """The claims of an ID token signed (RS256) by one of `keys`, issued by the configured
    issuer to this client, not expired, and carrying this sign-in's nonce. A token naming a key
    that `keys` lacks raises joserfc's InvalidKeyIdError, so the caller may fetch the provider's
    keys again; every other failure is EidFailed."""
    if not nonce:
        raise EidFailed("No nonce to check the token against.", code="eid_id_token_invalid")
    try:
        token = jwt.decode(id_token, keys, registry=JWSRegistry(algorithms=ID_TOKEN_ALGORITHMS))
        claims = CodeIDToken(
            token.claims,
            token.header,
            {
                "iss": {"essential": True, "value": config.issuer},
                "aud": {"essential": True, "value": config.client_id},
                "sub": {"essential": True},
            },
            {"nonce": nonce, "client_id": config.client_id, "access_token": access_token},
        )
        claims.validate(now=int(clock.now().timestamp()), leeway=CLOCK_LEEWAY_SECONDS)
    except InvalidKeyIdError:
        raise
    except (JoseError, ValueError, TypeError) as error:
        logger.warning("e-ID token refused: %s", type(error).__name__)
        raise EidFailed(
            "The e-ID provider's token failed its checks.", code="eid_id_token_invalid"
        ) from error
    return dict(claims)


def _exchange_code(
    config: OidcConfig, metadata: dict[str, Any], *, redirect_uri: str, code: str, verifier: str
) -> dict[str, Any]:
    with _client(config, redirect_uri) as client:
        try:
            token = client.fetch_token(
                metadata["token_endpoint"],
                grant_type="authorization_code",
                code=code,
                code_verifier=verifier,
            )
        except requests.RequestException as error:
            logger.warning("e-ID token endpoint unreachable (%s)", type(error).__name__)
            raise EidFailed("The e-ID provider did not answer.", code="eid_unreachable") from error
        except (AuthlibBaseError, ValueError) as error:
            logger.warning("e-ID token endpoint refused the code (%s)", type(error).__name__)
            raise EidFailed(
                "The e-ID provider refused the code.", code="eid_token_refused"
            ) from error
    if not isinstance(token.get("id_token"), str):
        raise EidFailed("The e-ID provider sent no ID token.", code="eid_token_refused")
    return dict(token)


def _verified_claims(
    config: OidcConfig, metadata: dict[str, Any], token: dict[str, Any], nonce: str
) -> dict[str, Any]:
    """Verify with the cached key set, and once more with a fresh one when the token names a
    key we do not hold yet (the provider rotated its keys)."""
    arguments = {
        "config": config,
        "id_token": token["id_token"],
        "nonce": nonce,
        "access_token": str(token.get("access_token", "")),
    }
    try:
        return oidc_id_token_verify(keys=_key_set(config, metadata, refresh=False), **arguments)
    except InvalidKeyIdError:
        pass
    try:
        return oidc_id_token_verify(keys=_key_set(config, metadata, refresh=True), **arguments)
    except InvalidKeyIdError as error:
        logger.warning("e-ID token signed with a key the provider does not publish")
        raise EidFailed("The e-ID token's key is unknown.", code="eid_id_token_invalid") from error


def _userinfo(
    config: OidcConfig, metadata: dict[str, Any], *, redirect_uri: str, token: dict[str, Any]
) -> dict[str, Any]:
    """The userinfo claims, for providers that keep the national ID out of the ID token."""
    endpoint = metadata.get("userinfo_endpoint")
    if not endpoint:
        return {}
    with _client(config, redirect_uri) as client:
        client.token = token
        try:
            response = client.get(endpoint)
            response.raise_for_status()
            claims = response.json()
        except (requests.RequestException, AuthlibBaseError, ValueError) as error:
            logger.warning("e-ID userinfo endpoint failed (%s)", type(error).__name__)
            raise EidFailed("The e-ID provider did not answer.", code="eid_unreachable") from error
    return claims if isinstance(claims, dict) else {}


def oidc_authorization_finish(
    *,
    config: OidcConfig,
    redirect_uri: str,
    expected_state: str,
    nonce: str,
    code_verifier: str,
    params: Mapping[str, str],
) -> EidIdentity:
    """Check the callback, exchange its code (with the PKCE verifier) and return who the
    provider vouches for, with the national ID read from the configured claim of the ID token
    or, when the ID token lacks it, of the userinfo answer for the same subject."""
    code = oidc_callback_code(expected_state=expected_state, params=params)
    metadata = oidc_metadata(config)
    token = _exchange_code(
        config, metadata, redirect_uri=redirect_uri, code=code, verifier=code_verifier
    )
    claims = _verified_claims(config, metadata, token, nonce)
    claim = config.national_id_claim
    national_id = claims.get(claim)
    if national_id is None:
        userinfo = _userinfo(config, metadata, redirect_uri=redirect_uri, token=token)
        if userinfo.get("sub") == claims["sub"]:
            national_id = userinfo.get(claim)
    if not isinstance(national_id, str | int) or not str(national_id).strip():
        logger.warning("e-ID answer lacks the claim %r", claim)
        raise EidFailed("The e-ID provider sent no national ID.", code="eid_claim_missing")
    return EidIdentity(
        issuer=config.issuer,
        subject=str(claims["sub"]),
        national_id=str(national_id).strip(),
        claims=claims,
    )
