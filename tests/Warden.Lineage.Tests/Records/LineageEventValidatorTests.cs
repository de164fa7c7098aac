using Warden.Lineage.Records;
using Warden.Lineage.Tests.Support;

namespace Warden.Lineage.Tests.Records;

public sealed class LineageEventValidatorTests
{
    [Fact]
    public void Validate_ValidEvents_DoNotThrow()
    {
        LineageEventValidator.Validate(Events.Full());
        LineageEventValidator.Validate(Events.Decision("acme", 1));
    }

    public static TheoryData<string> InvalidCases() =>
        ["TenantId", "Kind", "Decision", "AgentId", "SessionId", "Action", "Resource", "Revocation", "Revocation.Scope", "OccurredAt", "Step.SessionSequence", "Step.Labels"];

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Validate_InvalidField_ThrowsArgumentExceptionNamingIt(string field)
    {
        var decision = Events.Decision("acme", 1);
        var revocation = Events.Full();
        var evt = field switch
        {
            "TenantId" => decision with { TenantId = "" },
            "Kind" => decision with { Kind = (LineageEventKind)999 },
            "Decision" => decision with { Decision = LineageDecision.None },
            "AgentId" => decision with { AgentId = new string('a', LineageLimits.MaxIdLength + 1) },
            "SessionId" => decision with { SessionId = "s\n1" },
            "Action" => decision with { Action = null },
            "Resource" => decision with { Resource = "" },
            "Revocation" => revocation with { Revocation = null },
            "Revocation.Scope" => revocation with { Revocation = revocation.Revocation! with { Scope = RevocationScope.Unspecified } },
            "OccurredAt" => decision with { OccurredAt = default },
            "Step.SessionSequence" => decision with { Step = new LineageSessionStep { SessionSequence = 0 } },
            "Step.Labels" => decision with { Step = new LineageSessionStep { SessionSequence = 1, Labels = [null!] } },
            _ => decision,
        };

        var error = Assert.Throws<ArgumentException>(() => LineageEventValidator.Validate(evt));
        Assert.Equal(field, error.ParamName);
    }
}
