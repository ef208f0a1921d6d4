using System.Security.Cryptography;
using System.Text;

namespace SagaWorkflow.Contracts;

/// <summary>Maps an executor id (a name) to the executor saga's correlation id and its own queue.</summary>
public static class ExecutorIdentity
{
    /// <summary>A stable Guid per executor id (name-based, SHA-256 truncated), the same in every process.</summary>
    public static Guid CorrelationIdFor(string executorId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("executor:" + executorId));
        return new Guid(hash.AsSpan(0, 16));
    }
}
