using System.Security.Cryptography;

namespace Warden.Grains.Tests.Contracts;

public sealed class WardenCredentialTests
{
    [Fact]
    public void TryParse_IssuedToken_RoundTripsAndMatchesItsHash()
    {
        var issued = WardenCredential.Create(CredentialKind.Agent, "acme", "bot-1");

        Assert.True(WardenCredential.TryParse(issued.ToToken(), out var parsed));
        Assert.Equal(CredentialKind.Agent, parsed.Kind);
        Assert.Equal("acme", parsed.TenantId);
        Assert.Equal("bot-1", parsed.SubjectId);
        Assert.True(parsed.Matches(issued.HashSecret()));
        Assert.Equal(SHA256.HashData(issued.Secret.Span), issued.HashSecret());
    }

    [Fact]
    public void Matches_OtherSecret_IsFalse()
    {
        var one = WardenCredential.Create(CredentialKind.Operator, "acme", "op1");
        var other = WardenCredential.Create(CredentialKind.Operator, "acme", "op1");

        Assert.False(other.Matches(one.HashSecret()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("wdn1.a.YWNtZQ.Ym90.")]
    [InlineData("wdn2.a.YWNtZQ.Ym90.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("wdn1.x.YWNtZQ.Ym90.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("wdn1.a.YWNtZQ.Ym90.AAAA")]
    [InlineData("wdn1.a.!!!.Ym90.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("wdn1.a.YS9i.Ym90.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void TryParse_MalformedToken_Fails(string token) => Assert.False(WardenCredential.TryParse(token, out _));

    [Fact]
    public void ToString_NeverContainsTheSecret()
    {
        var credential = WardenCredential.Create(CredentialKind.Agent, "acme", "bot-1");
        var token = credential.ToToken();

        Assert.DoesNotContain(token.Split('.')[^1], credential.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(token, new IssuedCredential("bot-1", token, DateTimeOffset.UnixEpoch).ToString(), StringComparison.Ordinal);
    }
}
