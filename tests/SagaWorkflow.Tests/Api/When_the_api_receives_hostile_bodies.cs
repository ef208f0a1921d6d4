using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SagaWorkflow.Contracts.Definitions;

namespace SagaWorkflow.Tests.Api;

/// <summary>A host with the default request limit (1 MiB), large enough for a valid 10,000-node definition.</summary>
public sealed class DefaultLimitApiHost : ApiHost
{
    protected override long MaxRequestBytes => 1024 * 1024;
}

/// <summary>Bodies meant to break the API: each gets a 4xx problem naming what is wrong, and nothing is created.</summary>
public sealed class When_the_api_receives_hostile_bodies(DefaultLimitApiHost api) : IClassFixture<DefaultLimitApiHost>
{
    private static ByteArrayContent Json(byte[] body, string contentType = "application/json")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    private static string Nested(int levels) => new string('[', levels) + new string(']', levels);

    [Theory]
    [InlineData("POST", "/api/v1/workflows")]
    [InlineData("PUT", "/api/v1/definitions/hostile-nested")]
    [InlineData("POST", "/api/v1/schedules")]
    public async Task Json_nested_10000_levels_deep_is_a_400_naming_the_depth_limit(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = Json(Encoding.UTF8.GetBytes("{\"definition\":" + Nested(10_000) + "}")),
        };

        using var response = await api.Admin.SendAsync(request);

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("deeper than 64 levels", problem.Detail(), StringComparison.Ordinal);
        using var lookup = await api.Anonymous.GetAsync("/api/v1/definitions/hostile-nested");
        await Problems.AssertProblemAsync(lookup, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_node_input_that_fits_the_body_but_not_the_messages_is_a_400_and_starts_nothing()
    {
        // Regression: 60 levels passed the parser (64) and then failed to serialize into StartWorkflow: a 500.
        var id = Guid.NewGuid();
        var body = $$"""{"id":"{{id}}","definition":{"name":"hostile-deep","nodes":[{"id":"a","capability":"noop","input":{{Nested(60)}}}]},"input":{{Nested(63)}}}""";

        using var response = await api.Admin.PostAsync("/api/v1/workflows", Json(Encoding.UTF8.GetBytes(body)));

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors").EnumerateArray().ToList();
        Assert.Contains(errors, e => e.GetProperty("code").GetString() == DefinitionErrorCodes.InputTooDeep && e.GetProperty("node").GetString() == "a");
        Assert.Contains(errors, e => e.GetProperty("property").GetString() == "input" && e.GetProperty("message").GetString()!.Contains("63 levels", StringComparison.Ordinal));
        await AssertNoWorkflowAsync(id);
    }

    [Theory]
    [InlineData("\"name\":\"caf\u00E9\"", 0xE9)]
    [InlineData("\"d\u00E9finition\":1", 0xE9)]
    [InlineData("\"name\":\"\u00E2\u0082\"", 0xE2)]
    public async Task A_body_that_is_not_utf8_is_a_400_naming_the_offending_byte(string latin1Fragment, int offending)
    {
        var id = Guid.NewGuid();
        var body = Encoding.Latin1.GetBytes($"{{\"id\":\"{id}\",{latin1Fragment}}}");

        using var response = await api.Admin.PostAsync("/api/v1/workflows", Json(body));

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains($"not UTF-8: the byte 0x{offending:X2} at offset {Array.IndexOf(body, (byte)offending)}", problem.Detail(), StringComparison.Ordinal);
        await AssertNoWorkflowAsync(id);
    }

    [Fact]
    public async Task A_utf16_body_is_a_400_and_a_declared_utf16_charset_a_415()
    {
        var body = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("{\"definitionName\":\"x\"}")).ToArray();

        using var undeclared = await api.Admin.PostAsync("/api/v1/workflows", Json(body));
        using var declared = await api.Admin.PostAsync("/api/v1/workflows", Json(body, "application/json; charset=utf-16"));

        Assert.Contains("UTF-16", (await Problems.AssertProblemAsync(undeclared, HttpStatusCode.BadRequest)).Detail(), StringComparison.Ordinal);
        Assert.Contains("charset 'utf-16'", (await Problems.AssertProblemAsync(declared, HttpStatusCode.UnsupportedMediaType)).Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_definition_of_10000_nodes_of_maximum_input_is_a_413_naming_the_setting_and_stores_nothing()
    {
        // 10,000 x 256 KiB is 2.5 GB, generated as it is sent. The client waits for 100-continue as large uploads
        // should, so the server refuses it on its declared length and not one byte of it is transferred.
        var stream = new MaximumInputDefinitionStream(10_000);
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/definitions/hostile-huge") { Content = new StreamContent(stream) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Content.Headers.ContentLength = stream.TotalLength;
        request.Headers.ExpectContinue = true;

        using var response = await api.Admin.SendAsync(request);

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("Api:MaxRequestBytes", problem.Detail(), StringComparison.Ordinal);
        Assert.True(stream.TotalLength > 10_000L * WorkflowDefinitionValidator.MaxInputBytes * 99 / 100, $"the body is {stream.TotalLength} bytes");
        // The same generator at a small scale writes exactly TotalLength bytes of a definition with one node per count.
        using var sample = new MemoryStream();
        var small = new MaximumInputDefinitionStream(3);
        await small.CopyToAsync(sample);
        Assert.Equal(small.TotalLength, sample.Length);
        Assert.Equal(3, JsonDocument.Parse(sample.ToArray()).RootElement.GetProperty("nodes").GetArrayLength());
        using var lookup = await api.Anonymous.GetAsync("/api/v1/definitions/hostile-huge");
        await Problems.AssertProblemAsync(lookup, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_definition_of_10000_nodes_is_accepted_and_10001_are_a_400()
    {
        object Chain(int count, string name) => new
        {
            name,
            nodes = Enumerable.Range(0, count).Select(i => new { id = $"n{i}", capability = "noop", dependsOn = i == 0 ? Array.Empty<string>() : [$"n{i - 1}"] }),
        };
        var tooMany = Guid.NewGuid();

        using var rejected = await api.Admin.PostAsJsonAsync("/api/v1/workflows", new { id = tooMany, definition = Chain(10_001, "hostile-10001") });
        var id = await api.SubmitAsync(Chain(10_000, "hostile-10000"));

        var problem = await Problems.AssertProblemAsync(rejected, HttpStatusCode.BadRequest);
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("code").GetString() == DefinitionErrorCodes.TooManyNodes);
        await AssertNoWorkflowAsync(tooMany);
        var view = await api.WaitForStateAsync(id, "Running");
        Assert.Equal(10_000, view.GetProperty("nodes").GetArrayLength());
        // A chain this long runs for minutes; the test has seen what it needs, so the host is not kept busy with it.
        (await api.Admin.PostAsync($"/api/v1/workflows/{id}/cancel", null)).Dispose();
        await api.WaitForStateAsync(id, "Cancelled");
    }

    [Fact]
    public async Task A_node_input_just_under_the_limit_runs_however_it_is_formatted()
    {
        // Regression: accepted with 202 (the client's compact text fit) and then rejected by the saga (the envelope's
        // indented text did not), so the workflow never appeared.
        var id = Guid.NewGuid();
        var value = new string('x', WorkflowDefinitionValidator.MaxInputBytes - 10);
        var body = $$$"""{"id":"{{{id}}}","definition":{"name":"hostile-big-input","nodes":[{"id":"a","capability":"noop","input":{"x":"{{{value}}}"}}]}}""";

        using var response = await api.Admin.PostAsync("/api/v1/workflows", Json(Encoding.UTF8.GetBytes(body)));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await api.WaitForStateAsync(id, "Completed");
    }

    private async Task AssertNoWorkflowAsync(Guid id)
    {
        using var lookup = await api.Anonymous.GetAsync($"/api/v1/workflows/{id}");
        await Problems.AssertProblemAsync(lookup, HttpStatusCode.NotFound);
    }
}

/// <summary>
/// A definition of <c>nodes</c> nodes, each with an input of the largest allowed size, written as it is read: gigabytes
/// never held in memory, like a client streaming a huge upload.
/// </summary>
internal sealed class MaximumInputDefinitionStream(int nodes) : Stream
{
    private readonly byte[] _padding = Encoding.ASCII.GetBytes(new string('x', WorkflowDefinitionValidator.MaxInputBytes - 10));
    private ReadOnlyMemory<byte> _pending = Encoding.ASCII.GetBytes("{\"nodes\":[");
    private int _written;
    private bool _paddingNext;

    /// <summary>The number of bytes the stream produces, computed without producing them.</summary>
    public long TotalLength { get; } = "{\"nodes\":[".Length + Enumerable.Range(0, nodes).Sum(i => (long)Opening(i).Length + (WorkflowDefinitionValidator.MaxInputBytes - 10)) + "\"}}]}".Length;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_pending.IsEmpty && !Advance())
            return 0;
        var length = Math.Min(count, _pending.Length);
        _pending[..length].CopyTo(buffer.AsMemory(offset, length));
        _pending = _pending[length..];
        return length;
    }

    // Alternates a node's opening text (id, capability, the start of its input) with the input's padding.
    private bool Advance()
    {
        if (_paddingNext)
        {
            _pending = _padding;
            _paddingNext = false;
        }
        else if (_written < nodes)
        {
            _pending = Encoding.ASCII.GetBytes(Opening(_written));
            _written++;
            _paddingNext = true;
        }
        else if (_written == nodes)
        {
            _pending = Encoding.ASCII.GetBytes("\"}}]}");
            _written++;
        }

        return !_pending.IsEmpty;
    }

    private static string Opening(int node) => $"{(node == 0 ? "" : "\"}},")}{{\"id\":\"n{node}\",\"capability\":\"noop\",\"input\":{{\"x\":\"";

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
