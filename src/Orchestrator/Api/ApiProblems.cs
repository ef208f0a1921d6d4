using Microsoft.AspNetCore.Http;
using SagaWorkflow.Contracts.Definitions;

namespace SagaWorkflow.Orchestrator.Api;

/// <summary>RFC 7807 problem details for every error the API gives, so a client always learns what to fix.</summary>
public static class ApiProblems
{
    public static IResult Create(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        Results.Problem(statusCode: status, title: title, detail: detail, extensions: extensions);

    public static IResult BadRequest(string detail) => Create(StatusCodes.Status400BadRequest, "Bad request", detail);

    /// <summary>Parses a workflow id from the route; <paramref name="problem"/> is the 400 to answer when it is no GUID.</summary>
    public static bool TryWorkflowId(string text, out Guid id, out IResult? problem)
    {
        problem = Guid.TryParse(text, out id) ? null : BadRequest($"'{text}' is not a workflow id (a GUID).");
        return problem is null;
    }

    public static IResult NotFound(string detail) => Create(StatusCodes.Status404NotFound, "Not found", detail);

    public static IResult Conflict(string detail) => Create(StatusCodes.Status409Conflict, "Conflict", detail);

    /// <summary>Bad query parameters: every one listed with what it must be.</summary>
    public static IResult InvalidQuery(IReadOnlyList<(string Parameter, string Message)> problems) =>
        Create(StatusCodes.Status400BadRequest, "Invalid query parameters",
            string.Join("; ", problems.Select(p => $"'{p.Parameter}' {p.Message}")) + ".",
            new Dictionary<string, object?> { ["errors"] = problems.Select(p => new { parameter = p.Parameter, message = p.Message }).ToArray() });

    /// <summary>
    /// A request body with problems: every one listed in <c>errors</c> (property, message; code and node for a problem of an
    /// inline definition), so a client fixes them all after one answer instead of one per round trip.
    /// </summary>
    public static IResult InvalidRequest(IReadOnlyList<RequestProblem> problems) =>
        Create(StatusCodes.Status400BadRequest, "Invalid request",
            problems.Count == 1 ? problems[0].Message
                : $"The request has {problems.Count} problems: {string.Join("; ", problems.Select(p => p.Message.TrimEnd('.')))}.",
            new Dictionary<string, object?>
            {
                ["errors"] = problems.Select(p => new { property = p.Property, code = p.Code, node = p.Node, message = p.Message }).ToArray(),
            });

    /// <summary>A rejected definition: every problem listed on its own (code, node, message), as the validator found them.</summary>
    public static IResult InvalidDefinition(IReadOnlyList<DefinitionError> errors) =>
        Create(StatusCodes.Status400BadRequest, "Invalid workflow definition",
            $"The definition has {errors.Count} problem(s); each is listed in 'errors'.",
            new Dictionary<string, object?>
            {
                ["errors"] = errors.Select(e => new { code = e.Code, node = e.NodeId, message = e.Message }).ToArray(),
            });
}

/// <summary>One thing wrong with a request body: the property it concerns and a sentence saying what to fix.</summary>
public sealed record RequestProblem(string Property, string Message, string? Code = null, string? Node = null)
{
    /// <summary>A problem the definition validator found in an inline <c>definition</c>, listed beside the body's own.</summary>
    public static RequestProblem OfDefinition(DefinitionError error) => new("definition",
        error.NodeId is null ? $"'definition': {error.Message}" : $"'definition' node '{error.NodeId}': {error.Message}", error.Code, error.NodeId);
}
