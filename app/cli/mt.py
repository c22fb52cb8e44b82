"""``terjime mt list|enable|disable``: machine-translation engines and the privacy switch.

Thin wrappers over :mod:`app.services.machine`. No text is sent to an engine until it is
enabled for a language; each change is recorded in the audit log (actor: command line).
A refusal (unknown engine or language) is one ``terjime: error:`` line, exit 1, no change.
"""

from __future__ import annotations

import click

from app.cli import main
from app.cli.appctx import app_session
from app.services import machine

_LANG_HELP = "Language code (repeatable), e.g. --lang ug --lang tr."


@main.group()
def mt() -> None:
    """Machine-translation engines and which languages may use them.

    Keys and URLs come from the environment: TERJIME_MICROSOFT_KEY, TERJIME_MICROSOFT_REGION,
    TERJIME_DEEPL_KEY (TERJIME_DEEPL_FREE=1|0 picks the API; default: from the key),
    TERJIME_LIBRETRANSLATE_URL, TERJIME_LIBRETRANSLATE_API_KEY. A LibreTranslate URL on this
    machine counts as self-hosted; TERJIME_LIBRETRANSLATE_SELF_HOSTED=1|0 says so for others.
    Calls are bounded by TERJIME_MT_TIMEOUT seconds (default 10) and retried
    TERJIME_MT_RETRIES times (default 2) on 429 and 5xx.
    """


@mt.command("list")
def list_engines() -> None:
    """Each engine: configured?, sends text to a third party?, languages it is enabled for."""
    with app_session() as (app, session):
        statuses = machine.engine_status(session, app.config)
    rows = [("ENGINE", "SERVICE", "CONFIGURED", "THIRD PARTY", "ENABLED FOR")]
    for status in statuses:
        configured = "yes" if status.configured else "no: set " + ", ".join(
            status.missing_settings)
        rows.append((status.name, status.label, configured,
                     "yes" if status.sends_text_to_third_party else "no (self-hosted)",
                     ", ".join(status.enabled_languages) or "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        click.echo("  ".join([*cells, row[-1]]).rstrip())


def _switch(engine: str, languages: tuple[str, ...], enabled: bool) -> None:
    with app_session() as (app, session):
        for code in languages:
            machine.set_engine_enabled(session, engine, code, enabled, None)
        status = next(s for s in machine.engine_status(session, app.config)
                      if s.name == engine.strip().lower())
    wanted = {code.strip().replace("-", "_") for code in languages}
    for switch in status.languages:
        if switch.code not in wanted:
            continue
        if not enabled:
            click.echo(f"{status.label} disabled for {switch.code}: no more text is sent to it.")
            continue
        receiver = ("a third party" if status.sends_text_to_third_party
                    else "a server run by your own team")
        click.echo(f"{status.label} enabled for {switch.code}: the text of {switch.name} "
                   f"segments is now sent to {status.label} ({receiver}) when a volunteer "
                   "asks for a suggestion or a pretranslation runs.")
    if enabled and not status.configured:
        click.echo(f"note: {status.label} is not configured yet: set "
                   f"{' and '.join(status.missing_settings)}.")


@mt.command()
@click.argument("engine", metavar="ENGINE")
@click.option("--lang", "languages", multiple=True, required=True, metavar="LANG",
              help=_LANG_HELP)
def enable(engine: str, languages: tuple[str, ...]) -> None:
    """Let ENGINE receive the text of LANG's segments (google, mymemory, microsoft, deepl,
    libre).

    Third-party engines get the source text of every segment a volunteer asks about.
    """
    _switch(engine, languages, True)


@mt.command()
@click.argument("engine", metavar="ENGINE")
@click.option("--lang", "languages", multiple=True, required=True, metavar="LANG",
              help=_LANG_HELP)
def disable(engine: str, languages: tuple[str, ...]) -> None:
    """Stop sending the text of LANG's segments to ENGINE."""
    _switch(engine, languages, False)
