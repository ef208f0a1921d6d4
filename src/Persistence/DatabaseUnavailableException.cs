namespace SagaWorkflow.Persistence;

/// <summary>The configured database cannot be used; the message names the key to look at and why.</summary>
public sealed class DatabaseUnavailableException(string message, Exception innerException) : Exception(message, innerException);
