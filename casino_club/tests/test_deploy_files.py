"""deploy/ runs only what exists: every command, option, module, app and
variable named by the systemd units, nginx sites, Dockerfile and compose file.

Each command line is parsed by the program's own parser (gunicorn's
argparse, uvicorn's and Celery's click commands, Django's command parsers),
so a misspelt option fails here, not on the server. What this cannot check
(no Docker daemon, nginx or systemd here) is said in docs/deployment.md.
"""

from __future__ import annotations

import ast
import importlib
import re
import shlex
from pathlib import Path

import click
import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands, load_command_class

ROOT = Path(settings.BASE_DIR)
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
NGINX_SITES = [DEPLOY / "nginx" / "casino.conf", DEPLOY / "docker" / "nginx.conf"]
COMPOSE = DEPLOY / "compose.yaml"
VENV_BIN = "/srv/casino/.venv/bin/"
# The processes a deployment needs; the user_actions relay is not one of them
# (it is a subscriber of the action pipeline, run by the worker: docs/operations.md).
ROLES = {"web": "gunicorn", "ws": "uvicorn", "worker": "celery worker", "beat": "celery beat"}
# Read by Django itself or by compose's interpolation, not by casino_club/config.py.
NOT_OURS = {"DJANGO_SETTINGS_MODULE", "POSTGRES_PASSWORD"}


def read_unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """A systemd unit as {section: {key: [values]}} (keys such as ExecStart repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def read_env_file(path: Path) -> dict[str, str]:
    pairs = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            pairs[name.strip()] = value.strip()
    return pairs


def variables_the_code_reads() -> set[str]:
    """Names passed to ``env.get``, ``os.environ.get`` and the config parsers in
    casino_club/config.py and settings.py (a secret's ``_FILE`` twin too)."""
    names = set()
    for module in ("config.py", "settings.py"):
        tree = ast.parse((ROOT / "casino_club" / module).read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            function = ast.unparse(node.func)
            reads_environment = function in {"env.get", "os.environ.get"} or any(
                ast.unparse(argument) in {"env", "os.environ"} for argument in node.args
            )
            if not reads_environment:
                continue
            for argument in node.args:
                if (
                    isinstance(argument, ast.Constant)
                    and isinstance(argument.value, str)
                    and re.fullmatch(r"[A-Z][A-Z0-9_]+", argument.value)
                ):
                    names.add(argument.value)
                    if function == "read_secret":
                        names.add(f"{argument.value}_FILE")
    return names


def check_importable(target: str) -> None:
    module_name, _, attribute = target.partition(":")
    module = importlib.import_module(module_name)
    assert callable(getattr(module, attribute or "application")), target


def check_gunicorn(arguments: list[str]) -> None:
    from gunicorn.config import Config

    config = Config()
    parsed = config.parser().parse_args(arguments)
    for name, value in vars(parsed).items():
        if value is not None and name != "args":
            config.set(name.lower(), value)  # validates each value
    assert len(parsed.args) == 1, arguments
    check_importable(parsed.args[0])
    assert config.workers >= 1


def check_uvicorn(arguments: list[str]) -> None:
    import uvicorn.main

    command = uvicorn.main.main.__self__  # the click command behind the entry point
    context = command.make_context("uvicorn", list(arguments))
    assert context.params["lifespan"] == "off"  # Channels' router has no lifespan
    check_importable(context.params["app"])


def check_celery(arguments: list[str]) -> str:
    from celery.app.utils import find_app
    from celery.bin.base import CLIContext
    from celery.bin.celery import celery

    assert arguments[:2] == ["-A", "casino_club"], arguments
    app = find_app(arguments[1])
    assert app is importlib.import_module("casino_club.celery").app
    subcommand = celery.commands[arguments[2]]
    subcommand.make_context(
        arguments[2],
        list(arguments[3:]),
        obj=CLIContext(app=app, no_color=True, workdir=None, quiet=True),
    )
    return arguments[2]


def check_manage(arguments: list[str]) -> None:
    name, options = arguments[0], arguments[1:]
    commands = get_commands()
    assert name in commands, f"manage.py has no command {name!r}"
    load_command_class(commands[name], name).create_parser("manage.py", name).parse_args(options)


def check_command(words: list[str]) -> str:
    """Check one command line; answer which role it plays (or its program)."""
    program, arguments = Path(words[0]).name, words[1:]
    if program == "gunicorn":
        check_gunicorn(arguments)
        return "gunicorn"
    if program == "uvicorn":
        check_uvicorn(arguments)
        return "uvicorn"
    if program == "celery":
        return f"celery {check_celery(arguments)}"
    if program.startswith("python"):
        if arguments[0] == "-c":
            compile(arguments[1], "<deploy>", "exec")
            return "python -c"
        assert arguments[0] == "manage.py", words
        check_manage(arguments[1:])
        return f"manage.py {arguments[1]}"
    raise AssertionError(f"unknown program in deploy/: {words}")


def pinned_distributions() -> set[str]:
    names = set()
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            names.add(re.split(r"[\[=]", line, maxsplit=1)[0].strip().lower())
    return names


def test_the_code_reading_scan_finds_the_known_variables():
    names = variables_the_code_reads()

    for known in ("PRODUCTION", "DATABASE_URL", "SECRET_KEY_FILE", "CASINO_VAR_DIR", "NUM_PROXIES"):
        assert known in names
    assert "NOT_A_SETTING" not in names


@pytest.mark.parametrize("unit", UNITS, ids=lambda path: path.name)
def test_units_run_commands_that_exist(unit):
    service = read_unit(unit)["Service"]

    assert service["WorkingDirectory"] == ["/srv/casino"]
    assert service["User"] == ["casino"]
    for line in service["ExecStart"]:
        words = shlex.split(line)
        assert words[0].startswith(VENV_BIN), line
        assert (ROOT / ".venv" / "bin" / Path(words[0]).name).exists(), line
        check_command(words)


def test_units_cover_every_process_once():
    roles = {}
    for unit in UNITS:
        for line in read_unit(unit)["Service"]["ExecStart"]:
            roles.setdefault(check_command(shlex.split(line)), []).append(unit.name)

    for role, program in ROLES.items():
        assert program in roles, f"no unit runs the {role} ({program})"
    assert roles["celery beat"] == ["casino-beat.service"]
    assert {"manage.py migrate", "manage.py collectstatic"} <= set(roles)
    for program in ("gunicorn", "uvicorn", "celery"):
        assert program in pinned_distributions()


@pytest.mark.parametrize("unit", UNITS, ids=lambda path: path.name)
def test_units_set_only_variables_the_code_reads(unit):
    service = read_unit(unit)["Service"]
    environment = dict(line.split("=", 1) for line in service.get("Environment", []))
    known = variables_the_code_reads()

    assert service["EnvironmentFile"] == ["/etc/casino/casino.env"]
    assert set(environment) <= known, set(environment) - known
    credentials = {line.split(":", 1)[0] for line in service["LoadCredential"]}
    assert environment["SECRET_KEY_FILE"] == "%d/secret_key"
    assert environment["JWT_PRIVATE_KEY_FILE"] == "%d/jwt_private_key.pem"
    assert credentials == {"secret_key", "jwt_private_key.pem"}
    assert service["StateDirectory"] == ["casino"]


def test_the_environment_files_name_only_variables_the_code_reads():
    known = variables_the_code_reads() | NOT_OURS
    host = read_env_file(DEPLOY / "systemd" / "casino.env.example")
    compose = read_env_file(DEPLOY / "env.example")

    assert set(host) <= known, set(host) - known
    assert set(compose) <= known, set(compose) - known
    assert "SECRET_KEY" not in host and "JWT_PRIVATE_KEY" not in host
    assert host["CASINO_VAR_DIR"] == "/var/lib/casino"  # the units' StateDirectory
    assert host["GALLERY_SENDFILE"] == "x-accel-redirect"


def nginx_locations(text: str) -> dict[str, str]:
    """{location path: its block's text} for the simple, unnested blocks here."""
    return {
        match.group(1): match.group(2)
        for match in re.finditer(r"location\s+(\S+)\s*\{(.*?)\n\s*\}", text, re.S)
    }


@pytest.mark.parametrize("site", NGINX_SITES, ids=lambda path: path.parent.name)
def test_nginx_proxies_sockets_and_guards_the_gallery(site):
    text = site.read_text()
    locations = nginx_locations(text)
    prefix = settings.GALLERY_SENDFILE_PREFIX

    sockets = locations["/ws/"]
    assert "proxy_pass http://casino_ws;" in sockets
    assert "proxy_http_version 1.1;" in sockets
    assert "proxy_set_header Upgrade $http_upgrade;" in sockets
    assert "proxy_set_header Connection $connection_upgrade;" in sockets
    assert "proxy_set_header X-Forwarded-Proto https;" in sockets
    assert "proxy_pass http://casino_http;" in locations["/"]
    assert "proxy_set_header X-Forwarded-Proto https;" in locations["/"]

    gallery = locations[prefix]
    assert re.search(r"^\s*internal;", gallery, re.M)
    assert "alias /var/lib/casino/gallery/;" in gallery
    assert text.count("/var/lib/casino/gallery") == 1  # exposed nowhere else


def test_nginx_sends_to_the_ports_the_units_listen_on():
    text = (DEPLOY / "nginx" / "casino.conf").read_text()
    upstreams = dict(re.findall(r"upstream\s+(\w+)\s*\{\s*server\s+(\S+);", text))
    listening = {}
    for unit in UNITS:
        for line in read_unit(unit)["Service"]["ExecStart"]:
            words = shlex.split(line)
            if Path(words[0]).name == "gunicorn":
                listening["casino_http"] = words[words.index("--bind") + 1]
            if Path(words[0]).name == "uvicorn":
                host, port = words[words.index("--host") + 1], words[words.index("--port") + 1]
                listening["casino_ws"] = f"{host}:{port}"

    assert upstreams == listening


def compose_services() -> dict:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def test_compose_has_every_service_and_runs_commands_that_exist():
    services = compose_services()
    roles = {}
    for name, service in services.items():
        if "build" in service:
            roles[name] = check_command(service["command"])

    assert {"db", "redis", "nginx"} <= set(services)
    assert roles == {
        "migrate": "manage.py migrate",
        "web": "gunicorn",
        "ws": "uvicorn",
        "worker": "celery worker",
        "beat": "celery beat",
    }
    assert services["ws"]["environment"]["DATABASE_POOL"] == "true"


def test_compose_gives_our_services_known_variables_and_declared_secrets():
    document = yaml.safe_load(COMPOSE.read_text())
    known = variables_the_code_reads()
    for name, service in document["services"].items():
        if "build" not in service:
            continue
        assert (DEPLOY / service["build"]["context"] / service["build"]["dockerfile"]).exists()
        assert (DEPLOY / service["env_file"]).name == ".env"
        environment = service["environment"]
        assert set(environment) <= known, (name, set(environment) - known)
        for variable in ("SECRET_KEY_FILE", "JWT_PRIVATE_KEY_FILE"):
            secret = environment[variable].removeprefix("/run/secrets/")
            assert secret in service["secrets"] and secret in document["secrets"], name
    for secret in document["secrets"].values():
        assert secret["file"].startswith("./secrets/")  # made by deploy/make-secrets
    mounted = document["services"]["nginx"]["volumes"][0].split(":")[0]
    assert (DEPLOY / mounted).resolve() == DEPLOY / "docker" / "nginx.conf"


def test_the_dockerfile_runs_commands_that_exist():
    instructions = []
    for line in (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ").splitlines():
        if line.strip() and not line.startswith("#"):
            keyword, _, rest = line.strip().partition(" ")
            instructions.append((keyword, rest.strip()))

    for keyword, rest in instructions:
        if keyword == "COPY" and not rest.startswith(". "):
            for source in rest.split()[:-1]:
                assert (ROOT / source).exists(), source
        if keyword == "RUN" and "manage.py" in rest:
            words = shlex.split(rest[rest.index("python manage.py") :].split("&&")[0])
            assert check_command(words) == "manage.py collectstatic"
        if keyword == "CMD":
            assert check_command(yaml.safe_load(rest)) == "gunicorn"
    assert ("RUN", "pip install --no-cache-dir -r requirements.txt") in instructions


def test_click_failures_are_caught():
    """The checks above would notice a misspelt option."""
    with pytest.raises(click.UsageError):
        check_command(["uvicorn", "--wsx", "x", "casino_club.asgi:application"])
    with pytest.raises(click.UsageError):
        check_command(["celery", "-A", "casino_club", "worker", "--concurency=4"])
    with pytest.raises(SystemExit):
        check_command(["gunicorn", "--wokers", "4", "casino_club.wsgi:application"])
    with pytest.raises(AssertionError):
        check_command(["python", "manage.py", "reconcile_ledgers"])
