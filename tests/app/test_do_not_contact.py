"""The do-not-contact list from the command line and from config/do_not_contact.txt."""

from __future__ import annotations

import pytest

from dealdesk.app.cli import main
from dealdesk.app.do_not_contact import load_do_not_contact, normalize_entry
from dealdesk.errors import ConfigError
from dealdesk.store import StoreReader, database_path


def test_dnc_adds_lists_and_removes_addresses_and_whole_domains(settings, capsys):
    data = ["--data-dir", str(settings.data_dir)]
    assert main(["dnc", "add", "Jane Doe <Jane@Creator.example>", "--reason", "asked", *data]) == 0
    assert main(["dnc", "add", "@spam.example", *data]) == 0
    assert main(["dnc", "add", "jane@creator.example", *data]) == 0
    out = capsys.readouterr().out
    assert "jane@creator.example added to the do-not-contact list" in out
    assert "jane@creator.example was already on the do-not-contact list" in out
    with StoreReader(database_path(settings)) as reader:
        assert reader.is_do_not_contact("anyone@spam.example")
        assert reader.is_do_not_contact("jane@creator.example")
    assert main(["dnc", "list", *data]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in listed] == ["@spam.example", "jane@creator.example"]
    assert main(["dnc", "remove", "jane@creator.example", *data]) == 0
    assert "removed from" in capsys.readouterr().out
    with StoreReader(database_path(settings)) as reader:
        assert not reader.is_do_not_contact("jane@creator.example")


def test_a_bad_entry_is_one_line_and_exit_status_2(settings, capsys):
    assert main(["dnc", "add", "not an address", "--data-dir", str(settings.data_dir)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "neither an address nor @domain" in err


def test_the_config_file_takes_addresses_domains_and_comments_and_names_a_bad_line(tmp_path):
    path = tmp_path / "do_not_contact.txt"
    path.write_text("# the team's list\nJane@X.example  # asked\n@spam.example\n\nx.example\n")
    assert load_do_not_contact(path) == ["jane@x.example", "@spam.example", "@x.example"]
    path.write_text("ok@x.example\nnot an address\n")
    with pytest.raises(ConfigError, match=r"do_not_contact.txt:2: 'not an address'"):
        load_do_not_contact(path)
    assert load_do_not_contact(tmp_path / "missing.txt") == []
    assert normalize_entry("@Agency.Example") == "@agency.example"
