using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using SagaWorkflow.Orchestrator.Hosting;

namespace SagaWorkflow.Tests.Security;

/// <summary>
/// The HTTPS settings docs/security.md gives (an https:// Api:Urls plus Kestrel's default certificate) serve the API
/// over TLS with that certificate. The certificate is made by the test, so no file or CA is needed.
/// </summary>
public sealed class When_the_api_serves_https : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sagaworkflow-https-").FullName;

    [Fact]
    public async Task An_https_url_and_a_default_certificate_serve_the_api_with_that_certificate()
    {
        using var certificate = SelfSigned();
        var pfx = Path.Combine(_directory, "api.pfx");
        await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "pfx-password"));
        await using var app = OrchestratorWebHost.Build([], new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = $"Data Source={Path.Combine(_directory, "sagaworkflow.db")}",
            ["Api:Urls"] = "https://127.0.0.1:0",
            ["Kestrel:Certificates:Default:Path"] = pfx,
            ["Kestrel:Certificates:Default:Password"] = "pfx-password",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        await app.MigrateWorkflowDatabaseAsync(CancellationToken.None);
        await app.StartAsync();
        try
        {
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
            string? served = null;
            using var handler = new HttpClientHandler
            {
                // Trust exactly the test's certificate, and note which one the server presented.
                ServerCertificateCustomValidationCallback = (_, presented, _, _) =>
                    (served = presented?.Thumbprint) == certificate.Thumbprint,
            };
            using var client = new HttpClient(handler) { BaseAddress = address };

            using var response = await client.GetAsync("/health");

            Assert.Equal("https", address.Scheme);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(certificate.Thumbprint, served);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
