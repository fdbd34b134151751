from collections.abc import Callable
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _load_hs_codes() -> str:
    from cases.services.goods import load_hs_codes

    return f"HS codes: {load_hs_codes()}."


class CasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cases"
    verbose_name = _("Cases")

    @property
    def reference_data_loaders(self) -> list[Callable[[], str]]:
        return [_load_hs_codes]

    @property
    def role_permissions(self) -> dict[str, list[str]]:
        # Officers log and edit their own violations until verified; dispatchers and
        # analysts see every unit's; analysts verify and export; administrators keep
        # the categories. Nobody deletes a submitted violation.
        reference = ["cases.view_violationcategory", "cases.view_hscode"]
        return {
            "officer": [
                *reference,
                "cases.view_violation",
                "cases.add_violation",
                "cases.change_violation",
                "cases.view_entity",
                "cases.add_entity",
            ],
            "dispatcher": [
                *reference,
                "cases.view_violation",
                "cases.view_all_violations",
                "cases.view_entity",
            ],
            "analyst": [
                *reference,
                "cases.view_violation",
                "cases.view_all_violations",
                "cases.change_violation",
                "cases.verify_violation",
                "cases.export_violation",
                "cases.view_entity",
                "cases.add_entity",
                "cases.change_entity",
                "cases.export_entity",
                "cases.view_relation",
                "cases.add_relation",
                # Investigation cases: analysts open and work them (a restricted case only
                # on its team, see cases/selectors/investigations.py).
                "cases.view_case",
                "cases.add_case",
                "cases.change_case",
                "cases.export_case",
                "cases.use_search",
                "cases.import_entities",
            ],
            "administrator": [
                *reference,
                # Administrators see every case, restricted ones too, and change none;
                # they open the dossiers of the entities those cases hold (a person's or
                # company's outside their own cases for a stated purpose, audited).
                "cases.view_case",
                "cases.view_all_cases",
                "cases.export_case",
                "cases.view_entity",
                "cases.use_search",
                "cases.add_violationcategory",
                "cases.change_violationcategory",
                # Reference data (sanctions lists, registers) comes in from files.
                "cases.import_entities",
            ],
        }

    @property
    def job_kinds(self) -> list[Any]:
        # The case report and the evidence bundle: whoever may open the case starts them;
        # the job re-checks need-to-know for its owner when it runs.
        from cases.services.documents.run import (
            DocumentExtractParameters,
            document_extract_check,
            document_extract_describe,
            document_extract_job,
        )
        from cases.services.extract import (
            CaseExtractParameters,
            case_extract_check,
            case_extract_describe,
            case_extract_job,
        )
        from cases.services.imports.run import (
            DataImportParameters,
            data_import_check,
            data_import_describe,
            data_import_job,
        )
        from cases.services.reports import (
            CaseReportParameters,
            case_bundle_job,
            case_report_check,
            case_report_describe,
            case_report_job,
        )
        from portal.job_kinds import JobKind

        return [
            JobKind(
                name="cases.data_import",
                label=_("Import into the entity registry"),
                description=_(
                    "A CSV, XLSX, JSON, XML, GeoJSON or FtM file read row by row, checked, "
                    "and written to the registry with its provenance."
                ),
                run=data_import_job,
                queue="imports",
                permission="cases.import_entities",
                form=DataImportParameters,
                check=data_import_check,
                describe=data_import_describe,
            ),
            JobKind(
                name="cases.document_extract",
                label=_("Text of case documents"),
                description=_(
                    "The text of PDF, Word, e-mail and text documents of a case read, "
                    "indexed for the search, and what it names offered as suggestions."
                ),
                run=document_extract_job,
                queue="imports",
                permission="cases.change_case",
                form=DocumentExtractParameters,
                check=document_extract_check,
                describe=document_extract_describe,
                start_url_name="investigations:case-list",
            ),
            JobKind(
                name="cases.case_report",
                queue="reports",
                label=_("Case report (PDF)"),
                description=_(
                    "Summary, team, entities, link chart, timeline, violations, assistance "
                    "requests and the audit trail of a case, as a PDF."
                ),
                run=case_report_job,
                permission="cases.view_case",
                form=CaseReportParameters,
                check=case_report_check,
                describe=case_report_describe,
            ),
            JobKind(
                name="cases.evidence_bundle",
                queue="reports",
                label=_("Evidence bundle (zip)"),
                description=_(
                    "The case report with every document and evidence file of the case, "
                    "zipped, with a SHA-256 manifest, for a prosecutor."
                ),
                run=case_bundle_job,
                permission="cases.view_case",
                form=CaseReportParameters,
                check=case_report_check,
                describe=case_report_describe,
            ),
            # The extract for another agency: started from its preview page, where the
            # analyst sees what is left out (cases/services/extract.py).
            JobKind(
                name="cases.case_extract",
                label=_("Case extract for another agency (zip)"),
                description=_(
                    "The case's entities and relations as FtM, sensitive fields left out, "
                    "with a manifest and SHA-256 hashes."
                ),
                run=case_extract_job,
                queue="reports",
                permission="cases.export_case",
                form=CaseExtractParameters,
                check=case_extract_check,
                describe=case_extract_describe,
            ),
        ]

    @property
    def audit_review_vocabulary(self) -> Any:
        # The words of this app's audit records that the auditor's flags look for: its
        # dossier view, its search kinds (only the entity search can find people) and
        # the entity kind that is a person (tests/cases/test_audit_vocabulary.py).
        from cases.lib.audit_words import DOSSIER_VIEW, ENTITY_SEARCH_KIND
        from cases.models import EntityKind
        from cases.selectors.search_sources import cases_search_sources
        from portal.audit_vocabulary import AuditReviewVocabulary

        return AuditReviewVocabulary(
            dossier_views=(DOSSIER_VIEW,),
            search_kinds_without_people=tuple(
                source.kind
                for source in cases_search_sources()
                if source.kind != ENTITY_SEARCH_KIND
            ),
            entity_search_kinds=(ENTITY_SEARCH_KIND,),
            person_kinds=(EntityKind.PERSON.value,),
        )

    @property
    def search_sources(self) -> list[Any]:
        # What the search box finds (cases/lib/search.py): violations and entities;
        # investigation cases, notes, documents and events register theirs here too.
        from cases.selectors.search_sources import cases_search_sources

        return cases_search_sources()

    # Kept on the officer's device by the service worker (portal/views/offline.py).
    offline_pages = ["cases:violation-create", "cases:violation-on-device", "cases:outbox"]
    # Shown offline in place of a page that is not kept: what waits on the device.
    offline_fallback = "cases:outbox"

    def dashboard_panels(self, user: Any) -> list[Any]:
        # The officer's "Log a violation" and drafts, the analyst's review queue.
        from cases.selectors.dashboard import cases_dashboard_panels
        from cases.selectors.investigation_panels import my_cases_panels

        return [*cases_dashboard_panels(user), *my_cases_panels(user)]

    @property
    def layout_partials(self) -> list[str]:
        # The offline outbox banner: a violation kept on the phone is sent from any page.
        return ["cases/_outbox.html"]

    # The search box, for those who may search (analysts and administrators).
    topbar_partials = ["cases/_search_box.html"]

    @property
    def navigation_items(self) -> list[Any]:
        from portal.navigation import NavItem

        return [
            NavItem(
                "search",
                _("Search"),
                "search:search",
                ("cases.use_search",),
                order=5,
            ),
            NavItem(
                "violations",
                _("Violations"),
                "cases:violation-list",
                ("cases.view_violation",),
                order=10,
            ),
            NavItem(
                "review",
                _("Review queue"),
                "cases:violation-review",
                ("cases.verify_violation",),
                order=12,
            ),
            NavItem(
                "violation-map",
                _("Violation map"),
                "cases:violation-map",
                ("cases.view_violation",),
                order=14,
            ),
            NavItem(
                "cases",
                _("Cases"),
                "investigations:case-list",
                ("cases.view_case",),
                order=16,
            ),
            NavItem(
                "assistance-register",
                _("Assistance requests"),
                "investigations:assistance-register",
                ("cases.view_case",),
                order=17,
            ),
            NavItem(
                "entities",
                _("Entities"),
                "entities:entity-list",
                ("cases.view_entity",),
                order=20,
            ),
            NavItem(
                "entity-matches",
                _("Possible duplicates"),
                "entities:match-list",
                ("cases.view_entity", "cases.change_entity"),
                order=22,
            ),
            NavItem(
                "entity-imports",
                _("Imports"),
                "entities:import-list",
                ("cases.import_entities",),
                order=23,
            ),
            NavItem(
                "categories",
                _("Categories"),
                "cases:category-list",
                ("cases.change_violationcategory",),
                order=78,
            ),
        ]
