using Microsoft.EntityFrameworkCore;

namespace SagaWorkflow.Persistence.Sagas;

/// <summary>
/// A saga whose changes include rows of other tables (a workflow's <c>node_attempts</c>): the repository hands them to
/// the DbContext just before it saves the saga, so they commit or roll back with it and pass its version check.
/// </summary>
public interface ISagaWithOwnRows
{
    void AddOwnRowsTo(DbContext db);
}
