"""A request costs the same with the OpenAPI document and docs served as without.

Two copies of one API, the same routes and setup, one of them with
``OpenAPI(app)`` and its document already built; both are called through
their WSGI callables in this one process, interleaved. Run it with
``make bench``. Target (issue 12): at most 1.02x.
"""

from __future__ import annotations

import dataclasses
import statistics
import typing as t

from flask_api_utils import (
    OpenAPI,
    ProblemDetails,
    ResponsiveBlueprint,
    ResponsiveFlask,
    XMLFormatter,
)

from .bench_responsive import WSGIApp, _call, _seconds_per_call


@dataclasses.dataclass
class Thing:
    id: int
    name: str


def _api(*, with_docs: bool) -> ResponsiveFlask:
    app = ResponsiveFlask(__name__)
    app.response_formatters["application/xml"] = XMLFormatter()
    ProblemDetails(app)
    things = ResponsiveBlueprint("things", __name__, url_prefix="/things")

    @things.get("/")
    def list_things() -> list[Thing]:
        return [Thing(1, "one")]

    @things.get("/<int:thing_id>")
    def get_thing(thing_id: int) -> Thing:
        return Thing(thing_id, "one")

    @things.post("/")
    def add_thing(thing: Thing) -> tuple[Thing, t.Literal[201]]:
        return thing, 201

    app.register_blueprint(things)
    if with_docs:
        OpenAPI(app)
        app.test_client().get("/openapi.json")
    return app


def main() -> None:
    rows: list[tuple[str, WSGIApp]] = [
        ("GET /things/7, docs on", t.cast(WSGIApp, _api(with_docs=True))),
        ("GET /things/7, docs off", t.cast(WSGIApp, _api(with_docs=False))),
        # A second copy without docs: how far two identical apps differ here.
        ("GET /things/7, docs off (control)", t.cast(WSGIApp, _api(with_docs=False))),
    ]
    samples: dict[str, list[float]] = {name: [] for name, _ in rows}
    for _name, app in rows:
        _call(app, "/things/7", "application/json")
    # Many short rounds, alternating which app goes first; each round's ratio
    # compares apps timed moments apart, so drift on the machine cancels.
    for round_ in range(61):
        ordered = rows if round_ % 2 == 0 else rows[::-1]
        for name, app in ordered:
            samples[name].append(_seconds_per_call(app, "/things/7", "application/json", 500))
    for name in samples:
        print(f"{name:42} {statistics.median(samples[name]) * 1e6:12.1f} us")
    on, off, control = (samples[name] for name, _ in rows)
    print()
    ratio = statistics.median(a / b for a, b in zip(on, off, strict=True))
    noise = statistics.median(a / b for a, b in zip(control, off, strict=True))
    print(f"{'docs on / docs off':60} {ratio:6.2f}  (target <= 1.02)")
    print(f"{'docs off / docs off, a second copy (the noise)':60} {noise:6.2f}")


if __name__ == "__main__":
    main()
