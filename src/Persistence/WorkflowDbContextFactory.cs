using Microsoft.Extensions.Options;

namespace SagaWorkflow.Persistence;

/// <summary>
/// Creates a fresh <see cref="WorkflowDbContext"/> for the configured provider. The saga repository takes one per
/// message (and per retry of it), so a retried message never sees entities a failed attempt left tracked.
/// </summary>
public sealed class WorkflowDbContextFactory
{
    private readonly Lazy<Func<WorkflowDbContext>> _create;

    public WorkflowDbContextFactory(IOptions<PersistenceOptions> options)
    {
        var settings = options.Value;
        Provider = settings.Provider;
        // Built on first use, not here: MySQL may have to ask the server its version, and a process must be able to
        // start (and report its database unreachable) while the server is down. PublicationOnly: a failure is not kept.
        _create = new Lazy<Func<WorkflowDbContext>>(() => Build(settings), LazyThreadSafetyMode.PublicationOnly);
    }

    public DatabaseProvider Provider { get; }

    public WorkflowDbContext Create() => _create.Value();

    private static Func<WorkflowDbContext> Build(PersistenceOptions settings)
    {
        switch (settings.Provider)
        {
            case DatabaseProvider.Postgres:
            {
                var options = PostgresWorkflowDbContext.Options(ConnectionBudget.ForWorkflows(settings));
                return () => new PostgresWorkflowDbContext(options);
            }
            case DatabaseProvider.MySql:
            {
                var options = MySqlWorkflowDbContext.Options(ConnectionBudget.ForWorkflows(settings), settings.ServerVersion);
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
