namespace SagaWorkflow.Persistence.Outbox;

/// <summary>Section <c>Outbox</c>: how fast orchestrators notice a dead one's undelivered messages.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>
    /// How often an orchestrator beats (proves it is alive), retries its own failed deliveries, and looks for dead owners.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long another orchestrator must see an owner's beat stand still before it delivers that owner's rows. Shorter
    /// recovers sooner after a crash; too short takes over from an orchestrator that is only slow, which then sends the
    /// same messages twice (harmless: results are fenced by attempt, docs/failover.md, but wasted work).
    /// </summary>
    public TimeSpan OwnerTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>What is wrong with the settings, or null.</summary>
    public string? Problem() =>
        PollInterval <= TimeSpan.Zero || OwnerTimeout <= TimeSpan.Zero
            ? $"{Section}:PollInterval and {Section}:OwnerTimeout must be positive"
            : OwnerTimeout < 2 * PollInterval
                ? $"{Section}:OwnerTimeout ({OwnerTimeout}) must be at least twice {Section}:PollInterval ({PollInterval}): a live owner beats once per poll"
                : null;
}
