"""The Markdown settings docgen reads from a website's Hugo configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubeflow_devtools.docgen.hugo.settings import (
    DEFAULT,
    MarkdownSettings,
    SettingsError,
    read_settings,
)
from tests.docgen.real_site import real_site


def test_the_kubeflow_website_is_the_default() -> None:
    assert read_settings(real_site()) == DEFAULT
    assert DEFAULT.passthrough == (("\\[", "\\]"), ("$$", "$$"), ("\\(", "\\)"))


def test_hugo_defaults_without_a_configuration(tmp_path: Path) -> None:
    assert read_settings(tmp_path) == MarkdownSettings()
    assert MarkdownSettings().passthrough == () and MarkdownSettings().typographer


def test_yaml_and_the_configuration_folder(tmp_path: Path) -> None:
    (tmp_path / "hugo.yaml").write_text(
        "markup:\n  goldmark:\n    extensions:\n      typographer: false\n"
    )
    (tmp_path / "config" / "_default").mkdir(parents=True)
    (tmp_path / "config" / "_default" / "markup.toml").write_text(
        "[goldmark.extensions.passthrough]\nenable = true\n"
        "[goldmark.extensions.passthrough.delimiters]\ninline = [['$', '$']]\n"
    )
    assert read_settings(tmp_path) == MarkdownSettings(passthrough=(("$", "$"),), typographer=False)


def test_typographer_as_a_table_and_passthrough_off(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        "[markup.goldmark.extensions.typographer]\ndisable = true\n"
        "[markup.goldmark.extensions.passthrough]\nenable = false\n"
        "[markup.goldmark.extensions.passthrough.delimiters]\ninline = [['\\\\(', '\\\\)']]\n"
    )
    assert read_settings(tmp_path) == MarkdownSettings(typographer=False)


@pytest.mark.parametrize(
    "text",
    [
        "[markup.goldmark.extensions.passthrough]\nenable = true\n"
        "[markup.goldmark.extensions.passthrough.delimiters]\ninline = [['$']]\n",
        "not toml = = =\n",
    ],
)
def test_a_broken_configuration_is_an_input_error(tmp_path: Path, text: str) -> None:
    (tmp_path / "hugo.toml").write_text(text)
    with pytest.raises(SettingsError, match=r"hugo\.toml|delimiters"):
        read_settings(tmp_path)


def test_settings_survive_the_sphinx_configuration() -> None:
    assert MarkdownSettings.from_dict(DEFAULT.to_dict()) == DEFAULT
