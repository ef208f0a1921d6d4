using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace SagaWorkflow.Persistence.Metrics;

/// <summary>
/// Meter <c>SagaWorkflow.Database</c>: what this process sends to its workflow database through EF Core, counted by the
/// interceptors every provider's options carry (<see cref="Interceptors"/>), so a benchmark can divide them by the
/// workflows it ran. Process-wide, like the other meters: every DbContext of every host in the process adds to them.
/// Not counted, because it never passes through EF Core: Quartz's own ADO.NET connections (triggers, scheduled
/// messages), SQLite's pragmas on opening a connection, and anything else run on a DbConnection directly.
/// </summary>
public static class DatabaseMetrics
{
    public const string MeterName = "SagaWorkflow.Database";

    public static readonly Meter Meter = new(MeterName, typeof(DatabaseMetrics).Assembly.GetName().Version?.ToString());

    // Interceptors are stateless (the counters are static), so every context of every provider shares these two.
    public static readonly IInterceptor[] Interceptors = [new CommandCounter(), new TransactionCounter()];

    private static readonly Counter<long> Commands = Meter.CreateCounter<long>("sagaworkflow.db.commands", "{command}",
        "Database commands EF Core sent (queries, saves, raw SQL through EF); one command may carry a batch of statements");
    private static readonly Counter<long> TransactionsStarted = Meter.CreateCounter<long>("sagaworkflow.db.transactions_started", "{transaction}",
        "Database transactions begun through EF Core");
    private static readonly Counter<long> TransactionsEnded = Meter.CreateCounter<long>("sagaworkflow.db.transactions", "{transaction}",
        "Database transactions committed or explicitly rolled back through EF Core, by outcome");
    private static readonly Counter<long> Savepoints = Meter.CreateCounter<long>("sagaworkflow.db.savepoints", "{savepoint}",
        "Savepoints created inside a transaction (one statement each, not counted as commands)");

    // Built once, so counting allocates nothing of ours per call: the saga's hot path runs through here several times a message.
    private static readonly KeyValuePair<string, object?> Committed = new("outcome", "committed");
    private static readonly KeyValuePair<string, object?> RolledBack = new("outcome", "rolled_back");

    internal static void CommandSent() => Commands.Add(1);
    internal static void TransactionStarted() => TransactionsStarted.Add(1);
    internal static void TransactionCommitted() => TransactionsEnded.Add(1, Committed);
    internal static void TransactionRolledBack() => TransactionsEnded.Add(1, RolledBack);
    internal static void SavepointCreated() => Savepoints.Add(1);
}
