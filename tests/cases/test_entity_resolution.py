"""Entity resolution: likely matches are proposed with their reasons across alphabets,
the analyst's judgements are remembered, and a merge keeps both histories and can be
undone."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.lib.matching import match_score, name_words
from cases.models import (
    Entity,
    EntityKind,
    EntityMatch,
    EntityMerge,
    MatchStatus,
    Relation,
    ViolationEntity,
)
from cases.services.entities import (
    entity_resolve,
    entity_surviving,
    relation_add,
    violation_entity_link,
)
from cases.services.resolution import (
    CANDIDATES_PER_ENTITY,
    entity_merge,
    entity_merge_undo,
    match_judge,
    matches_propose,
)
from portal.models import AuditRecord

pytestmark = pytest.mark.django_db


def person(actor, first, last, born="1971-04-02", **extra):
    entity, _new = entity_resolve(
        actor=actor,
        kind=EntityKind.PERSON,
        values={"first_name": first, "last_name": last},
        properties={"birthDate": [born], **extra},
    )
    return entity


def test_names_are_compared_in_latin_letters_across_alphabets():
    assert name_words("Жуков") == ["zhukov"]
    assert name_words("Šimkus") == ["simkus"]
    assert name_words("UAB „Tabakas“") == ["tabakas"]


@pytest.mark.parametrize(
    ("one", "other"),
    [(("Иван", "Жуков"), ("Ivan", "Zhukov")), (("Jonas", "Šimkus"), ("Jonas", "Simkus"))],
)
def test_a_person_written_in_another_alphabet_is_proposed_with_its_reasons(one, other, analyst):
    first = person(analyst, *one)
    second = person(analyst, *other)

    proposed = matches_propose(entity_ids=[second.pk])

    (match,) = proposed
    assert {match.left, match.right} == {first, second}
    assert match.score >= 90
    codes = [reason["code"] for reason in match.reasons]
    assert codes == ["name_transliterated", "birth_date"]
    assert match.reasons[1]["params"] == {"date": "1971-04-02"}


def test_a_match_is_found_among_many_who_share_a_common_first_name(analyst):
    # More namesakes of "Jonas", born the same day, than candidates looked at per entity,
    # all registered before the match: the candidates closest in name are scored first.
    for number in range(60):
        person(analyst, "Jonas", f"Kaz{chr(97 + number % 26)}{chr(97 + number // 26)}auskas")
    first = person(analyst, "Jonas", "Šimkus")
    second = person(analyst, "Jonas", "Simkus")

    (match,) = matches_propose(entity_ids=[second.pk])

    assert {match.left, match.right} == {first, second}
    assert [reason["code"] for reason in match.reasons] == ["name_transliterated", "birth_date"]


def test_namesakes_born_on_other_days_do_not_crowd_out_the_match(analyst):
    # More people of the very same name as candidates looked at per entity, registered
    # first and each born on another day: none of them can reach the proposal score, so
    # they are not candidates, and the one born the same day is proposed.
    for number in range(CANDIDATES_PER_ENTITY + 10):
        person(analyst, "Jonas", "Šimkus", born=f"19{40 + number}-06-01")
    first = person(analyst, "Jonas", "Šimkus", born="1980-01-01")
    second = person(analyst, "Jonas", "Simkus", born="1980-01-01")

    (match,) = matches_propose(entity_ids=[second.pk])

    assert {match.left, match.right} == {first, second}


def test_a_person_born_on_a_known_day_is_proposed_the_namesake_whose_day_is_not_known(
    analyst,
):
    for number in range(CANDIDATES_PER_ENTITY + 10):
        person(analyst, "Jonas", "Šimkus", born=f"19{40 + number}-06-01")
    undated, _new = entity_resolve(
        actor=analyst,
        kind=EntityKind.PERSON,
        values={"first_name": "Jonas", "last_name": "Šimkus"},
    )
    second = person(analyst, "Jonas", "Simkus", born="1980-01-01")

    (match,) = matches_propose(entity_ids=[second.pk])

    assert {match.left, match.right} == {undated, second}
    assert [reason["code"] for reason in match.reasons] == ["name_transliterated"]


def test_vehicles_are_proposed_by_a_shared_key_never_by_plates_alike(analyst):
    # Two plates a digit apart are two vehicles (their names once scored 75, above the
    # proposal threshold: an import of 20,000 vehicles proposed 33,000 such pairs).
    plated = [
        entity_resolve(
            actor=analyst, kind="Vehicle", values={"plate": plate, "plate_country": "LT"}
        )[0]
        for plate in ("ABC123", "ABC124", "ABC125")
    ]
    by_vin, _new = entity_resolve(
        actor=analyst, kind="Vehicle", values={"vin": "WVWZZZ1JZXW000001"}
    )
    Entity.objects.filter(pk=plated[0].pk).update(
        identifiers=[*plated[0].identifiers, *by_vin.identifiers]
    )

    assert matches_propose(entity_ids=[plated[1].pk, plated[2].pk]) == []
    (match,) = matches_propose(entity_ids=[by_vin.pk])
    assert {match.left, match.right} == {plated[0], by_vin}


def test_the_same_name_born_on_another_day_is_not_proposed(analyst):
    person(analyst, "Ivan", "Zhukov", born="1971-04-02")
    other = person(analyst, "Иван", "Жуков", born="1985-11-30")

    assert matches_propose(entity_ids=[other.pk]) == []


def test_a_different_date_of_birth_counts_against_and_says_so():
    result = match_score(
        left_names=["Ivan Zhukov"],
        left_properties={"birthDate": ["1971-04-02"]},
        left_identifiers=[],
        right_names=["Иван Жуков"],
        right_properties={"birthDate": ["1985-11-30"]},
        right_identifiers=[],
    )
    assert result.score == 40
    assert result.reasons[-1] == {
        "code": "birth_date_differs",
        "params": {"left": "1971-04-02", "right": "1985-11-30"},
    }


def test_a_shared_identifier_is_a_strong_reason(analyst):
    _one, _new = entity_resolve(
        actor=analyst,
        kind=EntityKind.COMPANY,
        values={"name": "Baltic Tobacco Trading"},
        properties={"innCode": ["7701234567"]},
    )
    two, _new = entity_resolve(
        actor=analyst,
        kind=EntityKind.ORGANIZATION,
        values={"name": "BTT"},
        properties={"innCode": ["7701234567"]},
    )

    (match,) = matches_propose(entity_ids=[two.pk])

    assert match.score == 95
    assert {"code": "identifier", "params": {"type": "identifier", "value": "7701234567"}} in (
        match.reasons
    )


def test_an_entity_created_on_a_page_is_proposed_once_committed(
    analyst, django_capture_on_commit_callbacks
):
    person(analyst, "Ivan", "Zhukov")
    with django_capture_on_commit_callbacks(execute=True):
        person(analyst, "Иван", "Жуков")

    assert EntityMatch.objects.filter(status=MatchStatus.PROPOSED).count() == 1


def test_a_pair_judged_different_is_never_proposed_again(analyst):
    first = person(analyst, "Ivan", "Zhukov")
    second = person(analyst, "Иван", "Жуков")
    (match,) = matches_propose(entity_ids=[second.pk])

    match_judge(actor=analyst, match=match, verdict=MatchStatus.DIFFERENT)

    assert matches_propose(entity_ids=[first.pk, second.pk]) == []
    match.refresh_from_db()
    assert (match.status, match.decided_by) == (MatchStatus.DIFFERENT, analyst)
    assert AuditRecord.objects.filter(
        object_type="cases.entitymatch", object_id=str(match.pk), action="update"
    ).exists()


def test_a_judgement_must_be_same_or_different(analyst):
    person(analyst, "Ivan", "Zhukov")
    second = person(analyst, "Иван", "Жуков")
    (match,) = matches_propose(entity_ids=[second.pk])

    with pytest.raises(ValidationError) as refused:
        match_judge(actor=analyst, match=match, verdict="maybe")

    assert refused.value.message_dict == {"verdict": ["Choose “same” or “different”."]}
    match.refresh_from_db()
    assert match.status == MatchStatus.PROPOSED


@pytest.fixture
def two_histories(analyst, violation_of_officer):
    """Two records of one man, each with a relation and a violation of its own."""
    kept = person(analyst, "Ivan", "Zhukov", nationality=["ru"])
    absorbed = person(analyst, "Иван", "Жуков", idNumber=["4509123456"])
    company, _new = entity_resolve(
        actor=analyst, kind=EntityKind.COMPANY, values={"name": "Tabakas UAB"}
    )
    phone, _new = entity_resolve(
        actor=analyst, kind=EntityKind.PHONE, values={"number": "+37060012345"}
    )
    directorship = relation_add(actor=analyst, source=absorbed, target=company, kind="Directorship")
    calls = relation_add(actor=analyst, source=phone, target=absorbed, kind="UnknownLink")
    involvement = violation_entity_link(
        actor=analyst, violation=violation_of_officer, entity=absorbed, role="driver"
    )
    return {
        "kept": kept,
        "absorbed": absorbed,
        "relations": [directorship, calls],
        "involvement": involvement,
    }


def test_a_merge_keeps_both_histories(analyst, two_histories):
    kept, absorbed = two_histories["kept"], two_histories["absorbed"]

    merge = entity_merge(actor=analyst, kept=kept, absorbed=absorbed)

    directorship, calls = two_histories["relations"]
    directorship.refresh_from_db()
    calls.refresh_from_db()
    assert (directorship.source, calls.target) == (kept, kept)
    assert ViolationEntity.objects.get(pk=two_histories["involvement"].pk).entity == kept
    kept.refresh_from_db()
    absorbed.refresh_from_db()
    assert absorbed.merged_into == kept
    assert kept.properties["idNumber"] == ["4509123456"]
    assert kept.properties["nationality"] == ["ru"]
    assert "Иван Жуков" in kept.properties["name"]
    assert merge.snapshot["absorbed_properties"]["idNumber"] == ["4509123456"]
    audited = AuditRecord.objects.filter(action="update", changes__merge=merge.pk)
    assert {record.object_id for record in audited} == {str(kept.pk), str(absorbed.pk)}


def test_undoing_a_merge_gives_back_both_entities_and_their_links(analyst, two_histories):
    kept, absorbed = two_histories["kept"], two_histories["absorbed"]
    before = dict(kept.properties)
    merge = entity_merge(actor=analyst, kept=kept, absorbed=absorbed)

    entity_merge_undo(actor=analyst, merge=merge)

    directorship, calls = two_histories["relations"]
    directorship.refresh_from_db()
    calls.refresh_from_db()
    assert (directorship.source, calls.target) == (absorbed, absorbed)
    assert ViolationEntity.objects.get(pk=two_histories["involvement"].pk).entity == absorbed
    kept.refresh_from_db()
    absorbed.refresh_from_db()
    assert absorbed.merged_into is None
    assert kept.properties == before
    merge.refresh_from_db()
    assert (merge.undone_by, merge.undone_at is not None) == (analyst, True)
    assert AuditRecord.objects.filter(changes__merge_undone=merge.pk).count() == 2


def test_a_merge_is_undone_once(analyst, two_histories):
    merge = entity_merge(
        actor=analyst, kept=two_histories["kept"], absorbed=two_histories["absorbed"]
    )
    entity_merge_undo(actor=analyst, merge=merge)

    with pytest.raises(ValidationError) as refused:
        entity_merge_undo(actor=analyst, merge=merge)

    assert refused.value.message_dict == {"merge": ["This merge was already undone."]}


def test_a_link_both_already_have_stays_with_the_absorbed_entity(analyst):
    kept = person(analyst, "Ivan", "Zhukov")
    absorbed = person(analyst, "Иван", "Жуков")
    company, _new = entity_resolve(
        actor=analyst, kind=EntityKind.COMPANY, values={"name": "Tabakas UAB"}
    )
    relation_add(actor=analyst, source=kept, target=company, kind="Directorship")
    twin = relation_add(actor=analyst, source=absorbed, target=company, kind="Directorship")

    merge = entity_merge(actor=analyst, kept=kept, absorbed=absorbed)

    twin.refresh_from_db()
    assert twin.source == absorbed
    assert merge.snapshot["relations"] == []
    assert Relation.objects.count() == 2


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("itself", "An entity cannot be merged into itself."),
        ("kinds", "A Person cannot be merged with a Vehicle."),
        ("twice", "One of these entities was already merged into another."),
    ],
)
def test_a_merge_that_cannot_be_is_refused(case, message, analyst):
    one = person(analyst, "Ivan", "Zhukov")
    two = person(analyst, "Иван", "Жуков")
    if case == "itself":
        two = one
    elif case == "kinds":
        two, _new = entity_resolve(
            actor=analyst, kind="Vehicle", values={"plate": "ABC123", "plate_country": "LT"}
        )
    else:
        third = person(analyst, "I.", "Zhukov")
        entity_merge(actor=analyst, kept=third, absorbed=two)

    with pytest.raises(ValidationError) as refused:
        entity_merge(actor=analyst, kept=one, absorbed=two)

    assert refused.value.message_dict == {"absorbed": [message]}
    assert EntityMerge.objects.filter(kept=one).count() == 0


def test_registering_the_key_of_a_merged_entity_finds_the_one_it_was_merged_into(analyst):
    kept, _new = entity_resolve(
        actor=analyst, kind="Vehicle", values={"plate": "ABC123", "plate_country": "LT"}
    )
    absorbed, _new = entity_resolve(
        actor=analyst, kind="Vehicle", values={"vin": "WVWZZZ1JZXW000001"}
    )
    entity_merge(actor=analyst, kept=kept, absorbed=absorbed)

    again, created = entity_resolve(
        actor=analyst, kind="Vehicle", values={"vin": "wvwzzz1jzxw000001"}
    )

    assert (again, created) == (kept, False)


def test_the_surviving_entity_is_the_end_of_the_chain_of_merges(analyst):
    first = person(analyst, "Ivan", "Zhukov")
    second = person(analyst, "Иван", "Жуков")
    third = person(analyst, "I.", "Zhukov")
    entity_merge(actor=analyst, kept=second, absorbed=first)
    entity_merge(actor=analyst, kept=third, absorbed=second)
    first.refresh_from_db()

    assert entity_surviving(first) == third
    assert entity_surviving(third) == third


def test_the_walk_to_the_surviving_entity_stops_on_a_loop_written_by_hand(analyst):
    one = person(analyst, "Ivan", "Zhukov")
    two = person(analyst, "Иван", "Жуков")
    # No merge makes a loop (a merged entity is never kept); a hand-edited row might.
    Entity.objects.filter(pk=one.pk).update(merged_into=two)
    Entity.objects.filter(pk=two.pk).update(merged_into=one)
    one.refresh_from_db()

    assert entity_surviving(one) == two


# The review queue, through the front door.


@pytest.fixture
def proposal(analyst):
    person(analyst, "Ivan", "Zhukov")
    second = person(analyst, "Иван", "Жуков")
    (match,) = matches_propose(entity_ids=[second.pk])
    return match


def test_the_review_queue_shows_each_pair_with_its_reasons(analyst, client_for, proposal):
    response = client_for(analyst).get(reverse("entities:match-list"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Ivan Zhukov" in body
    assert "Иван Жуков" in body
    assert "Names alike once written in Latin letters" in body
    assert "Same date of birth: 1971-04-02." in body


def test_an_analyst_dismisses_a_pair_from_the_queue(analyst, client_for, proposal):
    client = client_for(analyst)
    response = client.post(
        reverse("entities:match-judge", args=[proposal.pk]), {"verdict": "different"}
    )

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == MatchStatus.DIFFERENT
    assert "Иван Жуков" not in client.get(reverse("entities:match-list")).content.decode()


def test_an_analyst_merges_from_the_queue_and_undoes_it(analyst, client_for, proposal):
    client = client_for(analyst)
    response = client.post(
        reverse("entities:match-merge", args=[proposal.pk]), {"keep": proposal.left_id}
    )
    assert response.status_code == 302
    merge = EntityMerge.objects.get()
    assert (merge.kept_id, merge.absorbed_id, merge.match) == (
        proposal.left_id,
        proposal.right_id,
        proposal,
    )

    response = client.post(reverse("entities:merge-undo", args=[merge.pk]))

    assert response.status_code == 302
    assert Entity.objects.get(pk=proposal.right_id).merged_into is None
    proposal.refresh_from_db()
    assert proposal.status == MatchStatus.PROPOSED


def test_merging_an_entity_outside_the_pair_is_refused(analyst, client_for, proposal):
    stranger = person(analyst, "Petras", "Petraitis")

    response = client_for(analyst).post(
        reverse("entities:match-merge", args=[proposal.pk]), {"keep": stranger.pk}, follow=True
    )

    assert "Choose which of the two entities to keep." in response.content.decode()
    assert not EntityMerge.objects.exists()


def test_the_api_judges_merges_and_undoes(analyst, api_client_for, proposal):
    client = api_client_for(analyst)
    listed = client.get(reverse("api:entity-match-list")).json()
    assert [item["id"] for item in listed] == [proposal.pk]
    assert listed[0]["reason_texts"][1] == "Same date of birth: 1971-04-02."

    bad = client.post(reverse("api:entity-match-judge", args=[proposal.pk]), {"verdict": "?"})
    assert bad.status_code == 400
    assert "verdict" in bad.json()["errors"]

    wrong = client.post(reverse("api:entity-match-merge", args=[proposal.pk]), {"keep": 999999})
    assert wrong.status_code == 400
    assert "keep" in wrong.json()["errors"]

    merged = client.post(
        reverse("api:entity-match-merge", args=[proposal.pk]), {"keep": proposal.right_id}
    )
    assert merged.status_code == 201
    assert merged.json()["kept"]["id"] == proposal.right_id

    undone = client.post(reverse("api:entity-merge-undo", args=[merged.json()["id"]]))
    assert undone.status_code == 200
    assert undone.json()["undone_at"]
    again = client.post(reverse("api:entity-merge-undo", args=[merged.json()["id"]]))
    assert again.status_code == 400


@pytest.mark.parametrize(
    ("properties", "field", "message"),
    [
        ({"birthDate": ["1980-13-45"]}, "birthDate", "“1980-13-45” is not a valid Birth date."),
        ({"nationality": ["Atlantis"]}, "nationality", "“Atlantis” is not a valid Nationality."),
        ({"email": ["not-an-address"]}, "email", "“not-an-address” is not a valid Email."),
    ],
)
def test_properties_are_checked_with_ftm_types(properties, field, message, analyst):
    with pytest.raises(ValidationError) as refused:
        entity_resolve(
            actor=analyst,
            kind=EntityKind.PERSON,
            values={"first_name": "Ona", "last_name": "Onaitė"},
            properties=properties,
        )
    assert refused.value.message_dict == {field: [message]}
    assert not Entity.objects.exists()


def test_a_person_with_a_lithuanian_personal_code_is_one_person(analyst):
    one, _new = entity_resolve(
        actor=analyst,
        kind=EntityKind.PERSON,
        values={"first_name": "Ona", "last_name": "Onaitė", "personal_code": "48802291234"},
    )
    two, created = entity_resolve(
        actor=analyst,
        kind=EntityKind.PERSON,
        values={"first_name": "Ona", "last_name": "Onaite", "personal_code": "488 0229 1234"},
    )
    assert (two, created) == (one, False)
    assert one.properties["idNumber"] == ["48802291234"]


def test_a_property_the_schema_does_not_have_is_refused(analyst):
    with pytest.raises(ValidationError) as refused:
        entity_resolve(
            actor=analyst,
            kind=EntityKind.VEHICLE,
            values={"plate": "ABC123", "plate_country": "LT"},
            properties={"wingspan": "30 m"},
        )
    assert refused.value.message_dict == {
        "wingspan": ["“wingspan” is not a property of a Vehicle."]
    }
    assert not Entity.objects.exists()


def test_a_pair_judged_the_same_stays_in_the_queue_until_merged(analyst, client_for, proposal):
    client = client_for(analyst)
    client.post(reverse("entities:match-judge", args=[proposal.pk]), {"verdict": "same"})

    page = client.get(reverse("entities:match-list")).content.decode()
    assert "Judged the same by" in page
    client.post(reverse("entities:match-merge", args=[proposal.pk]), {"keep": proposal.left_id})

    after = client.get(reverse("entities:match-list")).content.decode()
    assert f'id="match-{proposal.pk}"' not in after
    assert EntityMerge.objects.get().match == proposal
