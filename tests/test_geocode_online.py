"""Online providers through geopy, with fake adapters: configuration, failures, circuit breaker, provenance.

No test touches the network: every provider gets a ``geopy.adapters.BaseSyncAdapter`` subclass answering canned
JSON or raising what geopy's real adapters raise (timeouts, HTTP 429/5xx, unreachable host, unparsable body).
"""

from __future__ import annotations

import json
import socket
import threading
from urllib.parse import parse_qs, urlparse

import pytest
from geopy.adapters import AdapterHTTPError, BaseSyncAdapter
from geopy.exc import GeocoderParseError, GeocoderTimedOut
from geopy.exc import GeocoderUnavailable as GeopyUnavailable
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geostory.errors import GeocoderUnavailable, GeocodingError
from geostory.gazetteer.index import Gazetteer
from geostory.geocode.cache import GeocodeCache
from geostory.geocode.chain import geocode_places, resolve_config
from geostory.geocode.online import (PROVIDERS, CircuitBreaker, GeocoderConfig, build_geocoder, get_provider,
                                     load_config, reset_providers)
from geostory.model import Candidate, Mention, Place
from tests.test_geocode_offline import make_index

UA = "geostory-tests/1.0 (tests@example.org)"
# geopy warns before refusing a latitude of 123 (one of the malformed answers below)
pytestmark = pytest.mark.filterwarnings("ignore:Latitude normalization:UserWarning")


# fake transport -------------------------------------------------------------------------------------------------

class FakeService:
    """A provider endpoint: each request gets the next canned behaviour (the last one repeats).

    A behaviour is a JSON-able payload, a raw text body, or a callable ``f(url)`` returning one or raising.
    """

    def __init__(self, *behaviours):
        self.behaviours = list(behaviours) or [[]]
        self.urls: list[str] = []
        self.lock = threading.Lock()
        service = self

        class Adapter(BaseSyncAdapter):
            def get_text(self, url, *, timeout, headers):
                assert headers.get("User-Agent"), "every request names its client"
                out = service.answer(url)
                return out if isinstance(out, str) else json.dumps(out)

            def get_json(self, url, *, timeout, headers):
                text = self.get_text(url, timeout=timeout, headers=headers)
                try:
                    return json.loads(text)
                except ValueError:  # what geopy's URLLibAdapter raises
                    raise GeocoderParseError(f"Could not deserialize using deserializer:\n{text}") from None

        self.adapter = Adapter

    def answer(self, url):
        with self.lock:
            self.urls.append(url)
            behaviour = self.behaviours.pop(0) if len(self.behaviours) > 1 else self.behaviours[0]
        return behaviour(url) if callable(behaviour) else behaviour

    def queries(self) -> list[str]:
        return [(parse_qs(urlparse(u).query).get("q") or parse_qs(urlparse(u).query).get("singleLine") or [""])[0]
                for u in self.urls]


def timeout(url):
    raise GeocoderTimedOut("Service timed out")


def http(status):
    def fail(url):
        raise AdapterHTTPError(f"Non-successful status code {status}", status_code=status,
                               headers={"retry-after": "0"} if status == 429 else {}, text="")
    return fail


def unreachable(url):
    raise GeopyUnavailable("Service not available")


def crash(url):
    raise RuntimeError("adapter bug")


def hit(lat, lon, name="Somewhere", cc="fr", osm=("relation", 7)):
    return [{"place_id": 99, "osm_type": osm[0], "osm_id": osm[1], "lat": str(lat), "lon": str(lon),
             "display_name": name, "class": "place", "type": "town", "importance": 0.5,
             "address": {"country_code": cc}}]


def by_query(answers: dict, default=()):
    """Answer by the q= parameter of a Nominatim request."""
    def respond(url):
        q = parse_qs(urlparse(url).query).get("q", [""])[0]
        return answers.get(q, list(default))
    return respond


def config(service: FakeService, **kw) -> GeocoderConfig:
    base = dict(provider="nominatim", user_agent=UA, min_delay_seconds=0, error_wait_seconds=0, max_retries=1,
                cache="off", adapter_factory=service.adapter, breaker_threshold=2, breaker_cooldown_seconds=3600)
    base.update(kw)
    return GeocoderConfig(**base)


@pytest.fixture(autouse=True)
def isolated(monkeypatch):
    """No network, fresh providers and breakers, no geocoder settings leaking from the environment."""
    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    reset_providers()
    yield
    reset_providers()


@pytest.fixture
def gaz(tmp_path) -> Gazetteer:
    return Gazetteer(make_index(tmp_path / "gaz.sqlite"))


def story_places() -> tuple[Place, ...]:
    """Places as the offline pipeline leaves them: pinned in context, approximate, unresolved."""
    return (
        Place("p1", "Valence", "city", "FR", 44.9256, 4.90956, mentions=(Mention(0, 7, "Valence"),),
              gazetteer_id="gn:valence", reason="population 63,864; in the story's focus country FR", confidence=0.8,
              alternatives=(Candidate("gn:valencia", "Valencia", "city", "ES", 39.47, -0.38, 4.1, "alias"),),
              admin1="gn:ara", population=63864),
        Place("p2", "France", "country", "FR", 46.6, 2.4, mentions=(Mention(20, 26, "France"),), gazetteer_id="gn:fr",
              reason="country name", confidence=0.99),
        Place("p3", "Centre hospitalier", "landmark", "FR", 44.9256, 4.90956, mentions=(Mention(40, 58, "x" * 18),),
              provider="context", note="approximate: near Valence", confidence=0.3,
              reason="facility, not in the gazetteer; placed at Valence, the place named before it"),
        Place("p4", "Zorglub", "other", None, None, None, mentions=(Mention(70, 77, "Zorglub"),), provider="none",
              note="unresolved", reason="capitalised name; not in the gazetteer"),
    )


# registry and configuration -------------------------------------------------------------------------------------

def test_registry_has_the_named_providers_and_every_geopy_one():
    for name in ("offline", "nominatim", "photon", "arcgis", "opencage", "googlev3", "bing", "mapbox", "geonames"):
        assert name in PROVIDERS


def test_unknown_provider_lists_valid_names():
    with pytest.raises(GeocodingError) as err:
        load_config("nominatimm", env={})
    assert "unknown geocoder 'nominatimm'" in str(err.value)
    assert all(n in str(err.value) for n in ("nominatim", "photon", "arcgis", "opencage"))


def test_nominatim_requires_a_user_agent():
    with pytest.raises(GeocodingError, match="GEOSTORY_USER_AGENT"):
        load_config("nominatim", env={})
    cfg = load_config("nominatim", env={"GEOSTORY_USER_AGENT": UA})
    assert build_geocoder(cfg).headers["User-Agent"] == UA


def test_keyed_provider_from_environment_keeps_the_key_out_of_reprs():
    cfg = load_config(env={"GEOSTORY_GEOCODER": "opencage", "GEOSTORY_GEOCODER_API_KEY": "s3cret-key"})
    assert cfg.provider == "opencage" and cfg.api_key == "s3cret-key"
    assert build_geocoder(cfg).api_key == "s3cret-key"
    assert "s3cret" not in repr(cfg)


def test_provider_specific_key_and_secrets_precedence():
    env = {"GEOSTORY_GEOCODER": "photon", "GEOSTORY_GEOCODER_API_KEY": "generic",
           "GEOSTORY_OPENCAGE_API_KEY": "opencage-key", "GEOSTORY_GEOCODER_TIMEOUT": "9"}
    cfg = load_config("opencage", env=env)
    assert cfg.api_key == "opencage-key" and cfg.timeout == 9.0
    secrets = {"GEOSTORY_GEOCODER_TIMEOUT": 3, "geocoder": {"provider": "mapbox", "api_key": "from-secrets"}}
    cfg = load_config(env=env, secrets=secrets)
    assert (cfg.provider, cfg.api_key, cfg.timeout) == ("mapbox", "from-secrets", 3.0)
    assert load_config(env=env, secrets=secrets, timeout=1).timeout == 1.0  # keyword overrides win


def test_geonames_username_is_its_key_and_extra_options_pass_through():
    assert build_geocoder(load_config("geonames", env={"GEOSTORY_GEOCODER_API_KEY": "me"})).username == "me"
    cfg = load_config("liveaddress", env={"GEOSTORY_GEOCODER_OPTIONS": '{"auth_id": "i", "auth_token": "t"}'})
    assert build_geocoder(cfg).auth_token == "t"


@pytest.mark.parametrize("name, env, fix", [
    ("opencage", {}, "GEOSTORY_OPENCAGE_API_KEY"),
    ("pelias", {}, "GEOSTORY_GEOCODER_DOMAIN"),
    ("liveaddress", {}, "GEOSTORY_GEOCODER_OPTIONS"),
    ("photon", {"GEOSTORY_GEOCODER_TIMEOUT": "soon"}, "must be a number"),
    ("photon", {"GEOSTORY_GEOCODER_ORDER": "sideways"}, "offline-first"),
    ("photon", {"GEOSTORY_GEOCODER_OPTIONS": "{not json"}, "JSON object"),
    ("photon", {"GEOSTORY_GEOCODER_OPTIONS": '{"colour": "red"}'}, "does not accept option 'colour'"),
    ("photon", {"GEOSTORY_GEOCODER_API_KEY": "k"}, "takes no API key"),
])
def test_misconfiguration_says_what_to_set(name, env, fix):
    with pytest.raises(GeocodingError, match=fix):
        load_config(name, env=env)


def test_resolve_config_accepts_names_and_dicts():
    assert resolve_config(None, env={}).online is False
    assert resolve_config("photon", env={}).provider == "photon"
    assert resolve_config({"provider": "photon", "timeout": 2}, env={}).timeout == 2.0
    assert resolve_config({"GEOSTORY_GEOCODER": "arcgis"}, env={}).provider == "arcgis"
    assert resolve_config({"geocoder": {"provider": "photon", "order": "cache -> online -> offline"}},
                          env={}).order == "online-first"
    with pytest.raises(GeocodingError, match="unknown key.*'apikey'.*api_key"):
        resolve_config({"geocoder": {"provider": "opencage", "apikey": "k"}}, env={})


# requests -------------------------------------------------------------------------------------------------------

def test_country_hint_is_each_providers_own_filter():
    def request(name, **kw):
        return get_provider(load_config(name, env={}, user_agent=UA, **kw)).request("Valence", "FR")

    assert request("nominatim") == ("Valence", {"addressdetails": True, "country_codes": "fr"})
    assert request("opencage", api_key="k") == ("Valence", {"country": "fr"})
    assert request("geonames", api_key="me") == ("Valence", {"country": "FR"})
    assert request("herev7", api_key="k") == ("Valence", {"countries": ["FRA"]})
    assert request("googlev3", api_key="k") == ("Valence", {"components": {"country": "FR"}})
    assert request("photon") == ("Valence, France", {})  # no filter: the country goes into the query
    assert request("arcgis") == ("Valence, France", {})


def test_requests_carry_the_hint_and_pass_through_the_rate_limiter():
    service = FakeService(hit(44.93, 4.89))
    provider = get_provider(config(service))
    assert provider.geocode("Valence", "FR").latitude == 44.93
    assert "countrycodes=fr" in service.urls[0]
    service.behaviours = [timeout]
    with pytest.raises(GeocoderUnavailable, match=r"Nominatim unavailable \(timeout\)") as err:
        provider.geocode("Lyon", "FR")  # an outage raises: it is never a "not found"
    assert err.value.why == "timeout"
    assert len(service.urls) == 1 + 2  # the RateLimiter retried once (max_retries=1)


# failures keep everything ---------------------------------------------------------------------------------------

FAULTS = {
    "timeout": (timeout, "timeout"),
    "http 429": (http(429), "rate limited, HTTP 429"),
    "http 500": (http(500), "server error, HTTP 500"),
    "http 503": (http(503), "server error, HTTP 503"),
    "http 401": (http(401), "access refused, HTTP 401: check the API key"),
    "unreachable": (unreachable, "unreachable"),
    "html instead of json": ("<html><body>502 Bad Gateway</body></html>", "malformed answer"),
    "no coordinates": ([{"display_name": "Somewhere"}], "malformed answer"),
    "coordinates not numbers": ([{"lat": "north", "lon": "4.9", "display_name": "X"}], "malformed answer"),
    "latitude out of range": ([{"lat": "123.0", "lon": "4.9", "display_name": "X"}], "malformed answer"),
    "object instead of list": ({"results": "none"}, "malformed answer"),
    "adapter crash": (crash, "unexpected RuntimeError"),
}


@pytest.mark.parametrize("order", ["offline-first", "online-first"])
@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_failing_provider_loses_nothing_and_says_why(fault, order, gaz):
    behaviour, why = FAULTS[fault]
    places = story_places()
    out, notes = geocode_places(places, config(FakeService(behaviour), order=order), gazetteer=gaz)
    assert out == places  # every place kept exactly as the offline resolution left it
    asked = 2 if order == "offline-first" else 4  # offline-first asks only for the approximate and unresolved
    assert f"Nominatim unavailable ({why}): kept offline results for {asked} places" in notes


def test_an_outage_costs_a_few_requests_not_one_per_place(gaz):
    service = FakeService(timeout)
    places = tuple(Place(f"p{i}", f"Town {i}", "city", "FR", 45.0, 5.0 + i / 100) for i in range(30))
    out, notes = geocode_places(places, config(service, order="online-first"), gazetteer=gaz)
    assert out == places
    assert len(service.urls) == 2 * 2  # breaker_threshold failures x (1 + max_retries) requests
    assert notes == ("Nominatim unavailable (timeout): kept offline results for 30 places",)


def test_the_open_circuit_is_shared_by_later_stories(gaz):
    service = FakeService(http(503))
    cfg = config(service, order="online-first")
    geocode_places(story_places(), cfg, gazetteer=gaz)
    sent = len(service.urls)
    out, notes = geocode_places(story_places(), cfg, gazetteer=gaz)
    assert len(service.urls) == sent and out == story_places()
    assert notes == ("Nominatim unavailable (server error, HTTP 503): kept offline results for 4 places",)


def test_circuit_breaker_opens_then_tries_once_after_cooldown():
    now = [0.0]
    breaker = CircuitBreaker(threshold=2, cooldown=60, clock=lambda: now[0])
    breaker.failure("timeout")
    assert breaker.allow()
    breaker.failure("timeout")
    assert breaker.is_open and not breaker.allow()
    now[0] = 61
    assert breaker.allow() and not breaker.allow()  # one trial at a time
    breaker.failure("timeout")  # the trial failed: open again for a full cooldown
    assert not breaker.allow()
    now[0] = 122
    assert breaker.allow()
    breaker.success()
    assert not breaker.is_open and breaker.allow() and breaker.allow()
    breaker.failure("access refused", trip=True)  # a refused key opens it at once
    assert breaker.is_open and breaker.reason == "access refused"


def test_outage_halfway_keeps_the_answers_already_received(gaz, tmp_path):
    service = FakeService(hit(45.1, 5.1), hit(45.2, 5.2), timeout)
    places = tuple(Place(f"p{i}", f"Town {i}", "city", "FR", 45.0, 5.0) for i in range(5))
    cache_file = tmp_path / "geocode.sqlite"
    out, notes = geocode_places(places, config(service, order="online-first", cache=str(cache_file)), gazetteer=gaz)
    assert [p.provider for p in out] == ["nominatim", "nominatim", "offline", "offline", "offline"]
    assert [(p.lat, p.lon) for p in out[2:]] == [(45.0, 5.0)] * 3
    assert [p.id for p in out] == [p.id for p in places]
    assert notes == ("Nominatim unavailable (timeout): kept offline results for 3 places",)
    cache = GeocodeCache(cache_file)
    assert len(cache) == 2  # the two answers; failures are never cached
    assert cache.get("nominatim", "Town 2", "FR") is None


# answers and provenance -----------------------------------------------------------------------------------------

def test_offline_first_asks_only_what_offline_could_not_pin(gaz):
    service = FakeService(by_query({"Centre hospitalier": hit(44.94, 4.90, "Centre hospitalier, Valence, France")}))
    out, notes = geocode_places(story_places(), config(service), gazetteer=gaz)
    assert service.queries() == ["Centre hospitalier", "Zorglub"]
    assert out[:2] == story_places()[:2]
    assert (out[2].lat, out[2].lon, out[2].provider, out[2].note) == (44.94, 4.9, "nominatim", None)
    assert out[2].alternatives[0].reason.startswith("context choice")  # the context pin is kept as alternative
    assert not out[3].resolved and "Nominatim: no match for 'Zorglub'" in out[3].reason
    assert notes == ()


def test_online_first_answer_carries_provenance_and_keeps_the_offline_choice(gaz):
    service = FakeService(by_query({"Valence": hit(44.93, 4.89, "Valence, Drôme, France", osm=("relation", 123))}))
    out, _ = geocode_places(story_places()[:1], config(service, order="online-first"), gazetteer=gaz)
    (p,) = out
    assert p.provider == "nominatim" and p.gazetteer_id == "osm:relation/123"
    assert (p.lat, p.lon, p.country) == (44.93, 4.89, "FR")
    assert p.reason.startswith("Nominatim answer for 'Valence' in FR: Valence, Drôme, France; fetched 20")
    assert "agrees with the offline choice" in p.reason and p.confidence >= 0.8
    assert p.alternatives[0].gazetteer_id == "gn:valence" and p.alternatives[1].gazetteer_id == "gn:valencia"
    assert p.mentions == story_places()[0].mentions and p.admin1 == "gn:ara"


def test_a_disagreeing_answer_is_flagged(gaz):
    service = FakeService(hit(44.1, 0.9, "Valence, Tarn-et-Garonne, France"))
    (p,), _ = geocode_places(story_places()[:1], config(service, order="online-first"), gazetteer=gaz)
    assert (p.lat, p.lon) == (44.1, 0.9) and p.confidence == 0.6 and p.admin1 is None
    assert p.note.startswith("Nominatim places it 3") and "from the offline choice (Valence, FR)" in p.note
    assert p.alternatives[0].lat == 44.9256


def test_an_answer_outside_the_hinted_country_is_only_an_alternative(gaz):
    service = FakeService(hit(39.47, -0.38, "Valencia, Spain", cc="es"))
    (p,), notes = geocode_places(story_places()[:1], config(service, order="online-first"), gazetteer=gaz)
    assert (p.lat, p.lon, p.provider) == (44.9256, 4.90956, "offline")
    assert p.alternatives[0].country == "ES" and "set aside: in ES, not FR" in p.reason
    assert notes == ()


def test_an_answer_far_from_the_context_pin_is_only_an_alternative(gaz):
    service = FakeService(hit(48.85, 2.35, "Centre hospitalier, Paris, France"))
    out, _ = geocode_places(story_places()[2:3], config(service), gazetteer=gaz)
    assert (out[0].lat, out[0].provider) == (44.9256, "context")
    assert "set aside: 4" in out[0].reason and out[0].alternatives[0].lat == 48.85


def test_unresolved_place_is_asked_in_the_storys_country_then_offline_as_fallback(gaz):
    places = story_places()[:2] + (Place("p9", "Paris, Texas", "city", None, None, None, provider="none"),)
    service = FakeService([])
    out, notes = geocode_places(places, config(service, order="online-first"), gazetteer=gaz)
    assert "countrycodes=fr" in service.urls[-1]  # the focus country of the story
    assert out[2].provider == "offline" and out[2].country == "US" and out[2].gazetteer_id == "gn:paris-tx"


def test_not_found_is_cached_and_distinct_from_failure(gaz, tmp_path):
    service = FakeService([])
    cfg = config(service, cache=str(tmp_path / "c.sqlite"))
    geocode_places(story_places(), cfg, gazetteer=gaz)
    sent = len(service.urls)
    out, notes = geocode_places(story_places(), cfg, gazetteer=gaz)
    assert len(service.urls) == sent == 2 and notes == ()
    assert GeocodeCache(tmp_path / "c.sqlite").get("nominatim", "Zorglub", "FR").found is False


def test_cached_answers_are_reused_and_say_so(gaz, tmp_path):
    service = FakeService(hit(44.94, 4.90))
    cfg = config(service, cache=str(tmp_path / "c.sqlite"))
    geocode_places(story_places(), cfg, gazetteer=gaz)
    service.behaviours = [timeout]  # the provider is now down: the cache still answers
    out, notes = geocode_places(story_places(), cfg, gazetteer=gaz)
    assert out[2].provider == "nominatim" and out[2].reason.endswith("(cached)")
    assert notes == ()


def test_request_budget(gaz):
    service = FakeService([])
    places = tuple(Place(f"p{i}", f"Town {i}", "city", "FR", 45.0, 5.0) for i in range(5))
    out, notes = geocode_places(places, config(service, order="online-first", max_queries=2), gazetteer=gaz)
    assert len(service.urls) == 2 and out[2:] == places[2:]
    assert notes == ("Nominatim: stopped after 2 online requests (GEOSTORY_GEOCODER_MAX_QUERIES): kept offline "
                     "results for 3 places",)


def test_an_open_circuit_spends_no_budget(gaz):
    service = FakeService(timeout)
    places = tuple(Place(f"p{i}", f"Town {i}", "city", "FR", 45.0, 5.0) for i in range(6))
    out, notes = geocode_places(places, config(service, order="online-first", max_queries=3), gazetteer=gaz)
    assert out == places
    assert notes == ("Nominatim unavailable (timeout): kept offline results for 6 places",)


def test_each_name_is_asked_once_per_story_and_overlong_names_never(gaz):
    service = FakeService(hit(45.1, 5.1))
    places = (Place("p1", "Town", "city", "FR", 45.0, 5.0), Place("p2", "TOWN", "city", "FR", 45.0, 5.0),
              Place("p3", "x" * 500, "other", "FR", 45.0, 5.0))
    out, notes = geocode_places(places, config(service, order="online-first"), gazetteer=gaz)
    assert service.queries() == ["Town"]
    assert out[0].lat == out[1].lat == 45.1 and out[2] == places[2]


@pytest.mark.parametrize("name, payload, extra", [
    ("photon", {"features": [{"geometry": {"coordinates": [4.89, 44.93]},
                              "properties": {"name": "Valence", "countrycode": "FR", "osm_type": "R",
                                             "osm_id": 5}}]}, {}),
    ("arcgis", {"candidates": [{"address": "Valence, France", "location": {"x": 4.89, "y": 44.93},
                                "score": 100, "attributes": {}}]}, {}),
    ("opencage", {"results": [{"formatted": "Valence, France", "geometry": {"lat": 44.93, "lng": 4.89},
                               "components": {"country_code": "fr"}}], "status": {"code": 200, "message": "OK"}},
     {"api_key": "k"}),
])
def test_other_providers_are_interchangeable(name, payload, extra, gaz):
    service = FakeService(payload)
    (p,), notes = geocode_places(story_places()[:1], config(service, provider=name, order="online-first", **extra),
                                 gazetteer=gaz)
    assert (p.lat, p.lon, p.provider, p.country) == (44.93, 4.89, name, "FR") and notes == ()


def test_offline_provider_through_the_same_interface(tmp_path):
    index = make_index(tmp_path / "g.sqlite")
    provider = get_provider(load_config("offline", env={}, options={"index_path": str(index)}))
    assert provider.geocode("Paris", "US").raw["id"] == "gn:paris-tx"  # country hint -> country_codes
    out, notes = geocode_places(story_places(), "offline", gazetteer=Gazetteer(index))
    assert out == story_places() and notes == ()  # offline only: nothing online, nothing lost


# properties -----------------------------------------------------------------------------------------------------

BEHAVIOURS = st.sampled_from([
    timeout, http(429), http(500), http(502), unreachable, crash, "not json", [{"display_name": "x"}],
    {"unexpected": True}, [], hit(44.93, 4.89), hit(44.93, 4.89, cc="es"), hit(10.0, 100.0),
])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(behaviours=st.lists(BEHAVIOURS, min_size=1, max_size=12), order=st.sampled_from(["offline-first",
                                                                                          "online-first"]))
def test_whatever_the_provider_does_no_place_is_lost(behaviours, order, gaz):
    reset_providers()
    places = story_places()
    out, notes = geocode_places(places, config(FakeService(*behaviours), order=order), gazetteer=gaz)
    assert [p.id for p in out] == [p.id for p in places]
    for before, after in zip(places, out):
        assert after.mentions == before.mentions
        if before.resolved:
            assert after.resolved
        if after != before and after.provider == before.provider:  # unchanged pin: only notes of reason added
            assert (after.lat, after.lon) == (before.lat, before.lon)
    for note in notes:
        assert note.startswith("Nominatim") and "kept offline results" in note


def test_seed_story_survives_every_fault(seed_story, gaz):
    resolved = [p for p in seed_story.places if p.resolved]
    assert resolved
    for fault, (behaviour, why) in FAULTS.items():
        reset_providers()
        out, notes = geocode_places(seed_story.places, config(FakeService(behaviour), order="online-first"))
        assert out == seed_story.places, fault
        assert any(n.startswith(f"Nominatim unavailable ({why}): kept offline results") for n in notes), fault
