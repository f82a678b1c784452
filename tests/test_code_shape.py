"""The layout's rules, checked: short functions in the app code, every view in a views
module, test files of a readable size."""

import ast
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parent.parent
APPS = ("campaign", "teams", "sessions", "notifications", "cms")
APP_CODE = (*APPS, "lib", "config")
LONGEST_FUNCTION = 80
LONGEST_TEST_FILE = 800


def python_files(*folders):
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_no_function_in_the_app_code_is_over_80_lines():
    long = []
    for path in python_files(*APP_CODE):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > LONGEST_FUNCTION:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({lines})")
    assert long == []


def callbacks(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from callbacks(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_every_page_of_ours_is_a_view_in_a_views_module():
    """views.py or views/<noun>.py; the API's routes live in the API module, the
    wiring's endpoints (health, CSP reports) in config."""
    misplaced = []
    for route, callback in callbacks(get_resolver().url_patterns):
        module = getattr(callback, "__module__", "")
        if module.split(".")[0] not in APPS:
            continue  # Django's, Wagtail's, django-ninja's, and the wiring's health check
        if module == "sessions.api":
            continue
        if ".views." not in f"{module}.":
            misplaced.append(f"{route} -> {module}.{callback.__name__}")
    assert misplaced == []


def test_no_test_file_is_over_800_lines():
    long = [
        f"{path.relative_to(ROOT)} ({lines})"
        for path in python_files("tests")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > LONGEST_TEST_FILE
    ]
    assert long == []
