namespace SagaWorkflow.Persistence.Outbox;

/// <summary>
/// An orchestrator process that may own outbox rows (<c>outbox_owners</c>). It bumps <see cref="Beat"/> every poll; one
/// whose beat stands still for <c>Outbox:OwnerTimeout</c>, as another orchestrator sees it, is taken for dead and its
/// rows are delivered by others. A counter rather than a time, so no two hosts' clocks are ever compared.
/// </summary>
public class OutboxOwner
{
    public Guid OwnerId { get; set; }

    public long Beat { get; set; }

    /// <summary>Host name and process id, for an operator reading the table.</summary>
    public string Process { get; set; } = "";

    public DateTime StartedAt { get; set; }
}
