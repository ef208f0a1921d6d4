using Microsoft.Extensions.Options;

namespace SagaWorkflow.Persistence;

/// <summary>
/// Creates a fresh <see cref="WorkflowDbContext"/> for the configured provider. The saga repository takes one per
/// message (and per retry of it), so a retried message never sees entities a failed attempt left tracked.
/// </summary>
public sealed class WorkflowDbContextFactory
{
    private readonly Lazy<Func<WorkflowDbContext>> _create;
    private readonly Lazy<Func<WorkflowDbContext>> _createForOutbox;

    public WorkflowDbContextFactory(IOptions<PersistenceOptions> options)
    {
        var settings = options.Value;
        Provider = settings.Provider;
        // Built on first use, not here: MySQL may have to ask the server its version, and a process must be able to
        // start (and report its database unreachable) while the server is down. PublicationOnly: a failure is not kept.
        _create = new Lazy<Func<WorkflowDbContext>>(() => Build(settings, ConnectionBudget.ForWorkflows(settings)), LazyThreadSafetyMode.PublicationOnly);
        _createForOutbox = new Lazy<Func<WorkflowDbContext>>(() => Build(settings, ConnectionBudget.ForOutbox(settings)),
            LazyThreadSafetyMode.PublicationOnly);
    }

    public DatabaseProvider Provider { get; }

    public WorkflowDbContext Create() => _create.Value();

    /// <summary>A context on the outbox loop's own pool (<see cref="PersistenceOptions.OutboxConnections"/>).</summary>
    public WorkflowDbContext CreateForOutbox() => _createForOutbox.Value();

    private static Func<WorkflowDbContext> Build(PersistenceOptions settings, string connectionString)
    {
        switch (settings.Provider)
        {
            case DatabaseProvider.Postgres:
            {
                var options = PostgresWorkflowDbContext.Options(connectionString);
                return () => new PostgresWorkflowDbContext(options);
            }
            case DatabaseProvider.MySql:
            {
                var options = MySqlWorkflowDbContext.Options(connectionString, settings.ServerVersion);
                return () => new MySqlWorkflowDbContext(options);
            }
            default:
            {
                var options = SqliteWorkflowDbContext.Options(settings.ConnectionString);
                return () => new SqliteWorkflowDbContext(options);
            }
        }
    }
}
