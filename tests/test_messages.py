"""analyzer.messages.resolve: the one answer to "which message is this step or call on, and how is that known"."""

from __future__ import annotations

import csv
import shutil

from conftest import FIXTURES

from analyzer import sdk_messages
from analyzer.graph import build_graph
from analyzer.messages import BY_DEFINITION, BY_ID, BY_NAME, UNKNOWN, resolve
from analyzer.reader import load

ACTION_ID = "d4080000-0000-4000-8000-000000000001"


class Defs:
    """An action contoso_ApproveRequest (message id ACTION_ID) and a Custom API contoso_GetPrice."""

    def action_message(self, message_id):
        return ("contoso_ApproveRequest", "workflow:a1") if message_id == ACTION_ID else None

    def definition(self, name):
        return {"contoso_approverequest": ("contoso_ApproveRequest", "workflow:a1"),
                "contoso_getprice": ("contoso_GetPrice", "custom_api:contoso_getprice")}.get(name.lower())


def test_a_platform_id_settles_the_message_whatever_the_name_says():
    ref = resolve(Defs(), message_id="20bebb1b-ea3e-db11-86a7-000a3a5473e8", name="Create", hint=True)
    assert (ref.name, ref.known_by, ref.settled, ref.platform) == ("Update", BY_ID, True, True)


def test_an_analyzed_actions_message_id_is_known_by_id():
    ref = resolve(Defs(), message_id=ACTION_ID, name="SomethingElse", hint=True)
    assert (ref.name, ref.known_by, ref.definition) == ("contoso_ApproveRequest", BY_ID, "workflow:a1")


def test_a_custom_api_is_known_by_its_definition_not_settled():
    ref = resolve(Defs(), message_id="99999999-0000-4000-8000-000000000001", name="contoso_getprice", hint=True)
    assert (ref.name, ref.known_by, ref.settled) == ("contoso_GetPrice", BY_DEFINITION, False)


def test_a_hint_naming_a_platform_message_with_another_id_is_dropped():
    # "X: Update of account" on an id that is not Update's: a renamed or copied step.
    ref = resolve(Defs(), message_id="99999999-0000-4000-8000-000000000001", name="Update", hint=True)
    assert (ref.name, ref.known_by, ref.key) == (None, UNKNOWN, "sdk_message:99999999-0000-4000-8000-000000000001")
    assert ref.label == "message with SdkMessageId 99999999-0000-4000-8000-000000000001"


def test_names_without_definition_are_known_by_name_only():
    newer = resolve(Defs(), message_id="99999999-0000-4000-8000-000000000001", name="CreateMultiple", hint=True)
    assert (newer.name, newer.known_by, newer.platform) == ("CreateMultiple", BY_NAME, True)
    custom = resolve(Defs(), name="contoso_Missing")
    assert (custom.known_by, custom.platform) == (BY_NAME, False)


def test_a_flow_naming_a_platform_message_gets_its_canonical_name():
    ref = resolve(Defs(), name="qualifylead")
    assert (ref.name, ref.key) == ("QualifyLead", "sdk_message:qualifylead")


def test_every_shipped_id_names_one_message_and_the_learn_ids_agree():
    rows = list(csv.DictReader((sdk_messages.resources.files("analyzer") / "data/sdk_message_ids.csv")
                               .open(encoding="utf-8")))
    assert len(rows) == len(sdk_messages.MESSAGES) == 581
    assert all(r["sources"].strip() for r in rows)
    # Pairs printed in Microsoft Learn's "Use messages with the SDK for .NET" sample responses.
    assert sdk_messages.message_name("{9EBDBB1B-EA3E-DB11-86A7-000A3A5473E8}") == "Create"
    assert sdk_messages.message_name("8cbdbb1b-ea3e-db11-86a7-000a3a5473e8") == "Assign"
    assert sdk_messages.message_id("RetrieveUnpublishedMultiple") == "f6bdbb1b-ea3e-db11-86a7-000a3a5473e8"


def test_a_step_on_associate_is_named_in_messages(tmp_path):
    # Associate's id (confirmed by two sources in the CSV) used to print as a bare GUID.
    folder = tmp_path / "s"
    shutil.copytree(FIXTURES / "rules" / "DV408" / "solution", folder)
    body = (folder / "customizations.xml").read_text(encoding="utf-8")
    (folder / "customizations.xml").write_text(
        body.replace("{D4080000-0000-4000-8000-0000000000FF}", "{16E7C888-3B24-448B-B7DA-EBFE9B681762}"),
        encoding="utf-8")
    solution = load(str(folder))
    graph = build_graph([solution])
    step = next(c for c in solution.components if c.key == "step:b4080000-0000-4000-8000-000000000001")
    assert graph.event_label(step) == "Associate of contoso_request"
    assert graph.message_ref(step.key).known_by == BY_ID
