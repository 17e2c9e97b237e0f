"""``python run.py report``: over a campaign negotiated to its end with the sandbox personas through
the real runtime (``tests/support/conversation_rig``), its figures checked against the mail the
sandbox mailbox saw; and over rows written with the store's own operations, for what a sandbox
conversation cannot be steered to (a package weighing more than one reel, spend over budget)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from dealdesk.domain import Deliverable, DeliverableType, State, Terms, format_money
from dealdesk.domain.campaign import CampaignStatus
from dealdesk.domain.money import quantize
from dealdesk.store import (
    AppendAudit,
    AuditKind,
    CampaignRow,
    CampaignSource,
    InboundKind,
    InsertOutbox,
    RecordInbound,
    SaveCampaign,
    SaveNegotiation,
    StoreReader,
    UpdateOutbox,
)
from dealdesk.store.schema import DB_FILENAME
from tests.app.conftest import run_cli, run_py
from tests.domain.harness import make_campaign, make_influencer, make_negotiation
from tests.support.conversation_rig import CAMPAIGN, SKIPPED

REPO = Path(__file__).resolve().parents[2]


def report(capsys, *args: str) -> tuple[int, str, str]:
    return run_cli(capsys, "report", *args)


def rows_of(data_dir: Path):
    with StoreReader(data_dir / DB_FILENAME) as reader:
        return reader.negotiations(CAMPAIGN)


def test_the_csv_is_one_row_per_influencer_with_the_figures_the_mailbox_saw(negotiated, capsys):
    code, out, err = report(
        capsys, CAMPAIGN, "--format", "csv", "--data-dir", str(negotiated.data_dir)
    )
    assert code == 0, err
    table = list(csv.DictReader(io.StringIO(out)))
    by_name = {row["influencer"]: row for row in table}
    assert set(by_name) == {
        "Maya Chen",
        "Jordan Lee",
        "Lena Fischer",
        "Chloe Nguyen",
        "Sam Old",
        "Tess Morgan",
        SKIPPED,
    }
    assert len(table) == len(by_name)  # one row each, and nothing else
    for record in rows_of(negotiated.data_dir):
        row = by_name[record.data["roster"]["name"]]
        negotiation = record.data["negotiation"]
        assert row["negotiation_id"] == record.negotiation_id
        assert row["outcome"] == record.state
        assert int(row["rounds"]) == len(negotiation["offers"])
        # Every email each way, as the mailbox holds them (a bounce is not theirs).
        assert int(row["emails_sent"]) == len(negotiated.sent_to(record.influencer_email))
        assert int(row["emails_received"]) == len(negotiated.received_from(record.influencer_email))
        if record.state == "agreed":
            fee = Decimal(negotiation["agreed"]["amount"])
            views = record.data["roster"]["average_views"]
            assert Decimal(row["agreed_rate"]) == fee
            assert Decimal(row["cpm"]) == quantize(
                fee / views * 1000
            )  # one reel: fee / views x 1000
            assert row["currency"] == "USD"
        else:
            assert (row["agreed_rate"], row["cpm"]) == ("", "")
    assert by_name["Jordan Lee"]["outcome"] == "agreed"
    assert int(by_name["Jordan Lee"]["rounds"]) >= 2  # he countered twice
    assert (by_name["Chloe Nguyen"]["outcome"], by_name["Sam Old"]["outcome"]) == (
        "stopped",
        "failed",
    )
    assert by_name["Sam Old"]["emails_received"] == "0"  # only the mail system answered
    skipped = by_name[SKIPPED]
    assert (skipped["outcome"], skipped["negotiation_id"], skipped["rounds"]) == (
        "skipped",
        "",
        "0",
    )
    assert "roster" in skipped["note"]


def test_the_markdown_report_puts_the_agreements_against_the_cpm_range_and_the_budget(
    negotiated, capsys
):
    code, out, err = report(capsys, CAMPAIGN, "--data-dir", str(negotiated.data_dir))
    assert code == 0, err
    records = rows_of(negotiated.data_dir)
    agreed = [r for r in records if r.state == "agreed"]
    assert len(agreed) >= 2
    fees = [Decimal(r.data["negotiation"]["agreed"]["amount"]) for r in agreed]
    cpms = [
        quantize(f / r.data["roster"]["average_views"] * 1000)
        for f, r in zip(fees, agreed, strict=True)
    ]
    average = quantize(sum(cpms) / len(cpms))
    spend = sum(fees)
    lines = out.splitlines()
    assert lines[0].startswith("# Campaign report:")
    assert (
        "| Influencer | Outcome | Agreed rate | CPM | Rounds | Emails sent | Emails received |"
        in lines
    )
    [jordan] = [line for line in lines if line.startswith("| Jordan Lee")]
    jordan_row = next(r for r in agreed if r.influencer_name == "Jordan Lee")
    jordan_fee = Decimal(jordan_row.data["negotiation"]["agreed"]["amount"])
    assert (
        f"| agreed | {format_money(jordan_fee)} | {format_money(quantize(jordan_fee / 62000 * 1000))} |"
        in jordan
    )
    assert (
        f"| Average CPM | {format_money(average)} over {len(agreed)} agreements: within the range $20–$30 |"
        in lines
    )
    share = (spend / 25000 * 100).quantize(Decimal("0.1"))
    left = format_money(Decimal(25000) - spend)
    assert f"| Spend | {format_money(spend)} of $25,000 budget ({share}%); {left} left |" in lines
    counts = Counter(r.state for r in records)
    [outcomes] = [line for line in lines if line.startswith("| Outcomes |")]
    for state, count in counts.items():
        assert f"{state} {count}" in outcomes
    assert "skipped 1" in outcomes
    assert f"({len(records) + 1} influencers)" in outcomes


def test_output_writes_the_report_to_a_file_and_replaces_one_that_is_there(
    negotiated, capsys, tmp_path
):
    code, expected, _ = report(
        capsys, CAMPAIGN, "--format", "csv", "--data-dir", str(negotiated.data_dir)
    )
    assert code == 0
    target = tmp_path / "report.csv"
    code, out, err = report(
        capsys,
        CAMPAIGN,
        "--format",
        "csv",
        "--output",
        str(target),
        "--data-dir",
        str(negotiated.data_dir),
    )
    assert (code, out) == (0, "")
    assert target.read_text(encoding="utf-8") == expected
    assert "replaced" not in err
    target.write_text("an older report\n", encoding="utf-8")
    code, _, err = report(
        capsys, CAMPAIGN, "--output", str(target), "--data-dir", str(negotiated.data_dir)
    )
    assert code == 0
    assert target.read_text(encoding="utf-8").startswith("# Campaign report:")
    assert err.strip() == f"report: wrote {target} (replaced the file there)"
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]  # no temporary file left


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--format", "xlsx"], "invalid choice: 'xlsx'"),
        (["--output", "/nonexistent-dir/r.md"], "does not exist"),
        (["--output", "."], "is a directory"),
    ],
)
def test_a_bad_flag_is_one_line_and_exit_status_2(negotiated, capsys, args, expected):
    code, out, err = report(capsys, CAMPAIGN, *args, "--data-dir", str(negotiated.data_dir))
    assert (code, out) == (2, "")
    assert len(err.strip().splitlines()) == 1
    assert expected in err


def test_an_empty_campaign_is_a_usage_error(negotiated, capsys):
    code, _, err = report(capsys, "  ", "--data-dir", str(negotiated.data_dir))
    assert code == 2
    assert err.strip() == "run.py: error: CAMPAIGN must not be empty"


def test_an_unknown_campaign_is_exit_status_1_naming_it(negotiated, capsys):
    code, out, err = report(capsys, "cu-missing", "--data-dir", str(negotiated.data_dir))
    assert (code, out) == (1, "")
    assert err.strip() == f"report: no campaign 'cu-missing' in {negotiated.data_dir / DB_FILENAME}"


def test_no_database_is_exit_status_1_in_one_line(capsys, tmp_path):
    code, _, err = report(capsys, CAMPAIGN, "--data-dir", str(tmp_path))
    assert code == 1
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("report: no dealdesk database at")


def test_a_campaign_is_found_by_its_name_too(negotiated, capsys):
    with StoreReader(negotiated.data_dir / DB_FILENAME) as reader:
        [record] = reader.campaigns(CAMPAIGN)
    by_id = report(capsys, CAMPAIGN, "--format", "csv", "--data-dir", str(negotiated.data_dir))
    by_name = report(
        capsys, record.name.upper(), "--format", "csv", "--data-dir", str(negotiated.data_dir)
    )
    assert by_id == by_name


def test_run_py_report_as_an_operator_runs_it(negotiated):
    done = run_py("report", CAMPAIGN, "--data-dir", str(negotiated.data_dir))
    assert done.returncode == 0, done.stderr
    assert "| Jordan Lee (@jordanlee.creates) | agreed |" in done.stdout
    helped = run_py("report", "--help")
    assert helped.returncode == 0
    assert "--format {md,csv}" in helped.stdout


# -- figures from rows written with the store's operations ---------------------------------------

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PACKAGE = [{"kind": "instagram_reel", "quantity": 1}, {"kind": "instagram_story", "quantity": 2}]


def _negotiation(campaign, name, email, views, state, *, agreed=None, offers=()):
    influencer = make_influencer(
        name=name, email=email, handle="@" + name.split()[0].lower(), average_views=views
    )
    negotiation = make_negotiation(campaign, influencer)
    package = tuple(
        Deliverable(kind=DeliverableType(d["kind"]), quantity=d["quantity"]) for d in PACKAGE
    )
    terms = [Terms(amount=a, deliverables=package, usage_rights_days=30) for a in offers]
    update = {"state": State(state), "offers": tuple(terms)}
    if agreed is not None:
        update["agreed"] = Terms(amount=agreed, deliverables=package, usage_rights_days=30)
    negotiation = negotiation.model_copy(update=update)
    data = {
        "influencer": name,
        "roster": influencer.model_dump(mode="json"),
        "negotiation": negotiation.model_dump(mode="json"),
    }
    return SaveNegotiation(
        negotiation_id=f"{campaign.id}:{name.lower()}",
        campaign_id=campaign.id,
        influencer_name=name,
        influencer_email=email,
        state=state,
        expected_version=0,
        data=data,
    )


@pytest.fixture
def written(apply, data_dir):
    campaign = make_campaign(
        id="cu-7",
        target_deliverables=PACKAGE,
        budget="2000",
        influencers=["Ana Lima", "Bo Diaz", "Cy Moss", "Ghost"],
    )
    row = CampaignRow(campaign=campaign, clickup=CampaignSource(task_id="cu-7"))
    ana = "ana@lima.example"
    apply(
        SaveCampaign("Spring reels", CampaignStatus.ACTIVE, row),
        # A reel and two stories weigh 1.6: $1,600 for 50,000 views is a $20 CPM, not $32.
        _negotiation(campaign, "Ana Lima", ana, 50_000, "agreed", agreed="1600", offers=["1500"]),
        _negotiation(
            campaign,
            "Bo Diaz",
            "bo@diaz.example",
            25_000,
            "agreed",
            agreed="1000",
            offers=["640", "800", "1000"],
        ),
        SaveNegotiation(
            negotiation_id="cu-7:cy moss",
            campaign_id="cu-7",
            influencer_name="Cy Moss",
            state="new",
            expected_version=0,
            data={"influencer": "Cy Moss"},
        ),
        AppendAudit(
            AuditKind.CAMPAIGN_INFLUENCER_SKIP,
            campaign_id="cu-7",
            influencer_name="Ghost",
            metadata={"reason": "not on the roster"},
        ),
        InsertOutbox("<m1@dealdesk.invalid>", "cu-7:ana lima", ana, "Paid collaboration", "Hi Ana"),
        InsertOutbox(
            "<m2@dealdesk.invalid>", "cu-7:ana lima", ana, "Re: Paid collaboration", "Agreed"
        ),
        UpdateOutbox("<m1@dealdesk.invalid>", "sent", gmail_id="g-m1"),
        # Theirs: a reply and an auto-reply count; a bounce and our own copy do not.
        *(
            RecordInbound(
                f"g-{kind}",
                "deals@agency.example",
                T0,
                kind,
                negotiation_id="cu-7:ana lima",
                from_addr=ana,
                body={"text": "..."},
            )
            for kind in (
                InboundKind.REPLY,
                InboundKind.AUTO_REPLY,
                InboundKind.BOUNCE,
                InboundKind.OURS,
            )
        ),
    )
    return data_dir


def test_the_cpm_is_per_unit_of_the_package_weight_and_spend_over_budget_is_said(written, capsys):
    code, out, err = report(capsys, "cu-7", "--format", "csv", "--data-dir", str(written))
    assert code == 0, err
    rows = {r["influencer"]: r for r in csv.DictReader(io.StringIO(out))}
    assert [
        rows["Ana Lima"][k]
        for k in ("outcome", "agreed_rate", "cpm", "rounds", "emails_sent", "emails_received")
    ] == [
        "agreed",
        "1600.00",
        "20.00",
        "1",
        "1",
        "2",
    ]
    assert [rows["Bo Diaz"][k] for k in ("agreed_rate", "cpm", "rounds", "emails_sent")] == [
        "1000.00",
        "25.00",
        "3",
        "0",
    ]
    assert [rows["Cy Moss"][k] for k in ("outcome", "agreed_rate", "cpm", "rounds")] == [
        "new",
        "",
        "",
        "0",
    ]
    assert [rows["Ghost"][k] for k in ("outcome", "note")] == ["skipped", "not on the roster"]
    code, out, err = report(capsys, "cu-7", "--data-dir", str(written))
    assert code == 0, err
    assert "| Average CPM | $22.50 over 2 agreements: within the range $20–$30 |" in out
    assert "| Spend | $2,600 of $2,000 budget (130.0%): over by $600 |" in out
    assert "| Outcomes | agreed 2 · new 1 · skipped 1 (4 influencers) |" in out
    assert "| Ana Lima (@ana) | agreed | $1,600 | $20 | 1 | 1 | 2 |" in out
