"""Every command README.md and docs/ show works as written.

The shell blocks (```sh) are extracted and every command in them is taken as written, with the
placeholders the docs ask to replace filled in (`FILL`):
- `python main.py ...` runs (in this process, in a copy of the project's config files);
- `npx cdktf synth` runs what cdktf.json says the CLI runs (`python3 main.py`, so the same
  in-process main) with the block's environment; the CLI itself is `make cdktf-synth`'s and the
  slow test's (tests/runtime/test_cli_runtime.py runs it);
- `make TARGET [VAR=...]`: the target exists and the Makefile reads the variables;
- `python -m MODULE`: the module exists;
- other `npx cdktf` commands (deploy, diff: they need AWS), the AWS CLI, terraform and curl (a
  download) are not run; every block is valid shell (`bash -n`).
The commands shown inline (`python main.py ...`, `make ...`) name commands and options that exist.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from modules import cli
from tests.helpers import ROOT, run

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md")), ROOT / "benchmarks" / "README.md"]
#: What the docs ask readers to replace, and with what (README: "Replace the capitals and `...`").
FILL = {
    "REGION": "eu-west-1",
    "ACCOUNT": "123456789012",
    "repository/NAME": "repository/fraud-scorer",
    "vpc-...": "vpc-0a1b2c3d",
}
#: Files the docs name as the reader's own: in the copy, the default example stands in for them.
READERS_FILES = ("configs/prod.yaml",)
#: Commands that need AWS credentials, a deployed stack or the network: never run.
NOT_RUN = ("aws", "terraform", "jq", "curl")
CDKTF_COMMANDS = {"synth", "deploy", "diff", "destroy", "list", "output", "get", "init", "watch"}


@dataclass(frozen=True)
class Block:
    path: Path
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def shell_blocks() -> list[Block]:
    found = []
    for path in DOCUMENTS:
        text = path.read_text()
        for match in re.finditer(r"^```(?:sh|bash|shell)\n(.*?)^```", text, re.S | re.M):
            found.append(Block(path, text[: match.start()].count("\n") + 1, match.group(1)))
    return found


BLOCKS = shell_blocks()


def filled(text: str) -> str:
    for placeholder, value in FILL.items():
        text = text.replace(placeholder, value)
    subnets = iter(range(100))
    return re.sub(r"subnet-\.\.\.", lambda _: f"subnet-0a1b2c{next(subnets):02x}", text)


def commands(block: Block) -> list[tuple[dict[str, str], list[str]]]:
    """Each simple command of the block: its environment assignments and its words."""
    found = []
    for words in _lines(filled(block.text).replace("\\\n", " ")):
        for command in _split(words, "&&"):
            env = {}
            while command and re.fullmatch(r"[A-Z_]+=.*", command[0]):
                name, _, value = command.pop(0).partition("=")
                if value.startswith("$("):  # NAME=$(program ...): the program's command
                    command = [value[2:], *command]
                    break
                env[name] = value
            if command:
                found.append((env, command))
    return found


def _lines(text: str) -> list[list[str]]:
    """The words of each line; a quoted string may span lines."""
    found, pending = [], ""
    for line in text.splitlines():
        pending += line + "\n"
        try:
            found.append(shlex.split(pending, comments=True))
        except ValueError:  # an open quote: the command goes on
            continue
        pending = ""
    assert not pending, f"unclosed quote in {pending!r}"
    return found


def _split(words: list[str], separator: str) -> list[list[str]]:
    parts: list[list[str]] = [[]]
    for word in words:
        if word == separator:
            parts.append([])
        else:
            parts[-1].append(word)
    return parts


def makefile_targets() -> set[str]:
    """The Makefile's targets: its named ones and its file targets (`$(E2E_VENV)/.installed`) with the
    variable they name expanded to each value the Makefile may set it to (`VENV`: per `RUNTIME`)."""
    text = (ROOT / "Makefile").read_text()
    values: dict[str, set[str]] = {}
    for name, value in re.findall(r"^([A-Z0-9_]+) [:?]?= (\S+)$", text, re.M):
        values.setdefault(name, set()).add(value)
    targets = set()
    for rule in re.findall(r"^([A-Za-z.$][^\s:=]*):(?!=)", text, re.M):
        variable = re.search(r"\$\((\w+)\)", rule)
        expansions = values.get(variable[1], set()) if variable else {""}
        targets |= {rule.replace(variable[0], value) if variable else rule for value in expansions}
    return targets


#: make's options a command may carry: jobs (`-j`, `-j4`) and keep going (`-k`).
_MAKE_OPTION = re.compile(r"-j[0-9]*|-k")


def check_make(words: list[str]) -> None:
    makefile = (ROOT / "Makefile").read_text()
    options = [word for word in words[1:] if word.startswith("-")]
    targets = [word for word in words[1:] if "=" not in word and not word.startswith("-")]
    variables = [word.partition("=")[0] for word in words[1:] if "=" in word]
    assert all(_MAKE_OPTION.fullmatch(option) for option in options), f"make {' '.join(options)}: unknown option"
    assert set(targets) <= makefile_targets(), f"make {' '.join(targets)}: no such target"
    for variable in variables:
        assert f"$({variable})" in makefile, f"the Makefile does not read {variable}"


def check_cdktf(words: list[str]) -> None:
    assert words[1] in {"cdktf", "cdktn"} and words[2] in CDKTF_COMMANDS, " ".join(words)
    assert f"{words[1]}-cli" in json.loads((ROOT / "package.json").read_text())["devDependencies"]


@pytest.mark.parametrize("block", BLOCKS, ids=str)
def test_every_shell_block_is_valid_shell(block: Block) -> None:
    if shutil.which("bash") is None:
        pytest.skip("no bash")
    done = subprocess.run(["bash", "-n"], input=filled(block.text), capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{block}: {done.stderr}"


@pytest.mark.parametrize("block", BLOCKS, ids=str)
def test_every_documented_command_works_as_written(block: Block, tmp_path: Path, monkeypatch) -> None:
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pipelines.yaml", "pipelines.schema.json"):
        shutil.copy(ROOT / name, project / name)
    shutil.copytree(ROOT / "examples", project / "examples")
    for name in READERS_FILES:
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "pipelines.yaml", project / name)
    monkeypatch.delenv("PIPELINES_CONFIG", raising=False)
    for env, words in commands(block):
        program = words[0]
        if words[0] in ("python", "python3", ".venv/bin/python") and words[1:2] == ["main.py"]:
            arguments = words[2:]
        elif program == "npx" and words[1:3] in (["cdktf", "synth"], ["cdktn", "synth"]):
            check_cdktf(words)
            arguments = []  # what cdktf.json's app, `python3 main.py`, runs
            assert json.loads((ROOT / "cdktf.json").read_text())["app"] == "python3 main.py"
        elif program == "npx":
            check_cdktf(words)
            continue
        elif program == "make":
            check_make(words)
            continue
        elif words[:2] == ["python", "-m"]:
            assert importlib.util.find_spec(words[2]), f"{block}: no module {words[2]}"
            continue
        elif program in NOT_RUN or words[0].startswith("$"):
            continue
        else:
            pytest.fail(f"{block}: {' '.join(words)}: not a command this test knows; teach it")
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        done = run(*arguments, cwd=project)
        for name in env:
            monkeypatch.delenv(name)
        assert done.returncode == 0, f"{block}: {' '.join(words)} exited {done.returncode}\n{done.stderr}"


#: `python main.py ...`, `make ...` and `npx ...` shown inline, as `code`.
INLINE = re.compile(r"`((?:python main\.py|make|npx) [^`]*|python main\.py)`")


def inline_commands() -> list[tuple[str, str]]:
    found = []
    for path in DOCUMENTS:
        for line_number, line in enumerate(path.read_text().splitlines(), start=1):
            found += [(f"{path.relative_to(ROOT)}:{line_number}", match) for match in INLINE.findall(line)]
    return found


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return set(parser._option_string_actions)


def test_every_inline_command_names_a_command_and_options_that_exist() -> None:
    parser = cli._parser()
    (subparsers,) = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    wrong = []
    for where, text in inline_commands():
        words = text.replace("\\|", "|").split()
        if words[0] == "make":
            try:
                check_make([word for word in words if not word.startswith(("<", "|"))])
            except AssertionError as error:
                wrong.append(f"{where}: `{text}`: {error}")
            continue
        if words[0] == "npx":
            if words[1] not in {"cdktf", "cdktn"} or words[2] not in CDKTF_COMMANDS:
                wrong.append(f"{where}: `{text}`: not a cdktf command")
            continue
        rest = words[2:]
        name = next((word for word in rest if not word.startswith(("-", "["))), None)
        command = subparsers.choices.get(name) if name else parser
        if command is None:
            wrong.append(f"{where}: `{text}`: no command {name}")
            continue
        actions = [a for a in command._actions if isinstance(a, argparse._SubParsersAction)] if name else []
        if actions:  # a command with actions (`experiment start`): the action's options
            action = rest[rest.index(name) + 1] if rest.index(name) + 1 < len(rest) else None
            if action not in actions[0].choices:
                wrong.append(f"{where}: `{text}`: {name} has no action {action}")
                continue
            command = actions[0].choices[action]
        for option in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", text):
            if option not in _options(command) and option not in _options(parser):
                wrong.append(f"{where}: `{text}`: {name or 'python main.py'} has no option {option}")
    assert not wrong, "\n".join(wrong)


def test_the_extraction_finds_the_documented_commands() -> None:
    """The README's own config commands are among them (the extraction is not silently empty)."""
    readme = [words for block in BLOCKS if block.path.name == "README.md" for _, words in commands(block)]
    assert ["python", "main.py", "validate", "--config", "mine.yaml"] in readme
    assert ["make", "synth"] in readme
    assert any(where.startswith("README.md") and text == "python main.py --help" for where, text in inline_commands())
