namespace SagaWorkflow.Hosting;

/// <summary>Which message transport to use (section <c>Transport</c>; env <c>Transport__Kind=RabbitMq</c>).</summary>
public sealed class TransportOptions
{
    public const string Section = "Transport";

    public TransportKind Kind { get; set; } = TransportKind.InMemory;
}

public enum TransportKind
{
    /// <summary>Local mode: one process, nothing survives it.</summary>
    InMemory,

    /// <summary>Distributed mode: durable queues on a RabbitMQ broker shared by every process.</summary>
    RabbitMq,
}
