using MassTransit;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaWorkflow.Persistence;

namespace SagaWorkflow.Orchestrator.Api;

/// <summary>
/// Turns "the database (or the broker) is away" into 503 Service Unavailable with a Retry-After and a body saying
/// which one and why, instead of a 500 that reads like a bug: a client (or <c>sagaflow</c>) should wait and retry, and
/// an operator should look at the store, not at us. Every other exception falls through to the 500 handler.
/// </summary>
public sealed class ServiceUnavailableHandler(IOptions<PersistenceOptions> persistence, ILogger<ServiceUnavailableHandler> logger) : IExceptionHandler
{
    /// <summary>Seconds a client is asked to wait: about how long a database or broker restart takes.</summary>
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        string detail;
        // A pool with every connection busy, or a server too slow to answer, gets the same advice: wait and retry.
        if (DatabaseFailures.IsOutage(exception) || InChain(exception, e => e is TimeoutException))
        {
            var settings = persistence.Value;
            detail = $"The workflow store ({DatabaseFailures.Where(settings)}) cannot be used right now: "
                + $"{DatabaseFailures.Reason(exception, settings.ConnectionString)}. Nothing was changed; retry in a few seconds, and see /ready.";
        }
        else if (InChain(exception, e => e is ConnectionException || e.GetType().Namespace == "RabbitMQ.Client.Exceptions"))
            detail = $"The message broker cannot be reached right now: {exception.GetBaseException().Message}. Nothing was sent; retry in a few seconds, and see /ready.";
        else
            return false;

        logger.LogWarning("{Method} {Path} answered 503: {Detail}", httpContext.Request.Method, httpContext.Request.Path, detail);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await ApiProblems.Create(StatusCodes.Status503ServiceUnavailable, "Service unavailable", detail).ExecuteAsync(httpContext);
        return true;
    }

    private static bool InChain(Exception exception, Func<Exception, bool> test)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            if (test(e))
                return true;
        return false;
    }
}
