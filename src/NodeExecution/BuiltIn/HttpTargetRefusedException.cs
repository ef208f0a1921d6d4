using System.Net;

namespace SagaWorkflow.NodeExecution.BuiltIn;

/// <summary>Thrown while connecting when the target's address is refused by <see cref="HttpTargetPolicy"/>; the attempt fails for good.</summary>
public sealed class HttpTargetRefusedException(string host, IPAddress address, string reason)
    : Exception(host == address.ToString() ? $"{address} {reason}" : $"{host} resolves to {address}, which {reason}")
{
    public IPAddress Address { get; } = address;
}
