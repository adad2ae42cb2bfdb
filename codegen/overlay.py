"""SDK-specific facts that the API model does not carry. Keep this file small: every entry says
why it exists.
"""

# The model sorts parameters by name. The official SDK lists the query parameters of these
# remove methods in the order of the model's Java source instead, and scripts may pass them
# positionally, so the generated signatures keep that order.
PARAMETER_ORDER = {
    ("DataCenterService", "remove"): ("force", "async"),
    ("GlusterBricksService", "remove"): ("bricks", "replica_count", "async"),
    ("HostService", "remove"): ("force", "async"),
    ("SnapshotService", "remove"): ("async", "all_content"),
    ("StorageDomainService", "remove"): ("host", "format", "destroy", "async"),
    ("StorageServerConnectionService", "remove"): ("host", "async"),
    ("TemplateDiskAttachmentService", "remove"): ("storage_domain", "force"),
}

# Two empty services of the official SDK: it made them from the model's @Area annotation and
# from its Follow mixin. They only have the inherited service(path); kept for compatibility.
EMPTY_SERVICES = ("AreaService", "FollowService")
