"""The `tnw` command line: one entry point for every task the Makefile and operators run."""
from __future__ import annotations

import dataclasses
import os
import sys

import click

from settings import PROFILES, Settings, SettingsError, load_settings
from tnw import engine
from tnw.processes import StartupError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """tnw-assistent: Dutch return-to-work assistant (Rasa + knowledge base + Telegram).

    Settings come from environment variables or a `.env` file (see .env.example).
    Data, models and logs live under TNW_DATA_DIR (default: ./var).
    """
    # Read once, here; every subcommand finds them as click's context object.
    try:
        ctx.obj = load_settings()
    except SettingsError as exc:
        _fail("Bad settings (environment or .env):\n  " + "\n  ".join(exc.problems))


def _fail(message: str) -> None:
    click.secho(message, fg="red", err=True)
    sys.exit(1)


@main.command()
@click.option("--force", is_flag=True, help="Train even when the model is up to date.")
@click.pass_obj
def train(settings: Settings, force: bool) -> None:
    """Train the Rasa model if the training data or config changed (otherwise reuse it)."""
    try:
        engine.train(settings, force=force, echo=click.echo)
    except engine.TrainingError as exc:
        _fail(str(exc))


@main.command()
@click.pass_obj
def validate(settings: Settings) -> None:
    """Check the Rasa domain and training data; warnings count as errors."""
    ok, log_path = engine.validate(settings)
    if not ok:
        _fail(f"The training data has errors or warnings. Log: {log_path}")
    click.echo("Training data and domain are valid.")


@main.command()
@click.option("--profile", type=click.Choice(PROFILES), default=None,
              help="embedded (SQLite, one Rasa server) or production (PostgreSQL, Redis, TNW_RASA_SERVERS "
                   "Rasa servers; deploy/README.md). Default: TNW_PROFILE, else embedded.")
@click.pass_obj
def run(settings: Settings, profile: str | None) -> None:
    """Start everything: train if needed, then the action server, the Rasa server(s) and a front end.

    With TELEGRAM_BOT_TOKEN set the Telegram bot runs; otherwise a chat opens in this
    terminal. A crashed server is restarted; after 5 crashes within 10 minutes everything
    stops. Ctrl-C stops all processes.
    """
    from intake.key_check import KeyMismatch
    from intake.retention import RetentionPolicy, start_retention_job
    from tnw.prepare import prepare
    from tnw.processes import interrupt_main_thread
    from tnw.stack import backend, profile_problem

    if profile:
        os.environ["TNW_PROFILE"] = profile  # the servers' environment carries it too
        settings = dataclasses.replace(settings, profile=profile)
    problem = profile_problem(settings)
    if problem:
        _fail(problem)  # before anything is migrated or built in the wrong place
    group = None
    try:
        model = prepare(settings, echo=click.echo)
        click.echo(f"Starting the action server and {settings.rasa_servers} Rasa server(s) "
                   f"({settings.profile} profile) ...")
        with backend(settings, model) as group:
            group.supervise(echo=lambda message: click.secho(message, fg="yellow", err=True),
                            on_give_up=interrupt_main_thread)
            click.echo(f"Ready. Logs: {settings.logs_dir}")
            # The retention periods the consent text promises, and pending erasures, by themselves.
            retention = start_retention_job(settings.database_url, settings.tracker_store_url, settings.logs_dir,
                                            policy=RetentionPolicy.from_settings(settings))
            try:
                _run_front_end(settings)
            finally:
                retention.stop()
    except (engine.TrainingError, StartupError, KeyMismatch) as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        if group is None or group.failure is None:
            click.echo("\nStopped.")
    if group is not None and group.failure is not None:
        _fail(group.failure)


def _run_front_end(settings: Settings) -> None:
    if settings.telegram_bot_token:
        from bot.telegram_app import run_telegram

        run_telegram(settings)
    else:
        from bot.terminal import run_terminal_chat

        run_terminal_chat(settings)


@main.command()
@click.pass_obj
def chat(settings: Settings) -> None:
    """Chat in this terminal with an already running Rasa server (see `tnw run`)."""
    from bot.terminal import run_terminal_chat

    run_terminal_chat(settings)


@main.command()
@click.pass_obj
def telegram(settings: Settings) -> None:
    """Run only the Telegram front end against an already running Rasa server."""
    from bot.telegram_app import run_telegram

    if not settings.telegram_bot_token:
        _fail("TELEGRAM_BOT_TOKEN is not set.")
    run_telegram(settings)


def _register_subcommands() -> None:
    """Each package brings its own commands; they are wired here in one place."""
    from intake.cli import register as register_intake
    from knowledge_base.cli import kb
    from tnw.crisis_eval import crisis_eval
    from tnw.eval_cli import eval_command
    from tnw.nlu_cv import nlu_cv

    main.add_command(kb)
    main.add_command(eval_command)
    main.add_command(crisis_eval)
    main.add_command(nlu_cv)
    register_intake(main)


_register_subcommands()

if __name__ == "__main__":
    main()
