"""Words the cases app writes into its audit records that the auditor's flags look for.
The views write them from here, and CasesConfig.audit_review_vocabulary declares them to
the core (portal/audit_vocabulary.py): one name on both sides."""

# changes["view"] of a VIEW record: an entity's dossier was opened (with the stated
# purpose as its reason when outside one's own cases).
DOSSIER_VIEW = "dossier"
# The search kind of the entity registry; its changes["status"] narrows to entity kinds.
ENTITY_SEARCH_KIND = "entity"
