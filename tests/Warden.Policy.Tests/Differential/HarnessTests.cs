using Warden.Policy.Tests.Differential.Generation;

namespace Warden.Policy.Tests.Differential;

/// <summary>The differential harness itself (no oracle needed): comparison, printing, shrinking, determinism.</summary>
public sealed class HarnessTests
{
    private static readonly Outcome Allow0 = new(true, true, "allow", ["policy0"], [], "");

    [Fact]
    public void Outcome_SameAnswerDifferentMessages_Agree()
    {
        Assert.True(Allow0.SameAs(Allow0 with { Detail = "other words" }));
    }

    [Fact]
    public void Outcome_DifferentErroringPolicies_Disagree()
    {
        Assert.False(Allow0.SameAs(Allow0 with { Errors = ["policy1"] }));
    }

    [Fact]
    public void Outcome_DifferentDeterminingPolicies_Disagree()
    {
        Assert.False(Allow0.SameAs(Allow0 with { Reasons = ["policy0", "policy1"] }));
    }

    [Fact]
    public void Outcome_OneSideRefusesTheRequest_Disagree()
    {
        Assert.False(Allow0.SameAs(new Outcome(true, false, "", [], [], "entities: cycle")));
    }

    [Fact]
    public void Outcome_BothFailToParse_AgreeWhateverTheMessages()
    {
        Assert.True(new Outcome(false, false, "", [], [], "a").SameAs(new Outcome(false, false, "", [], [], "b")));
    }

    [Fact]
    public void Outcome_WardenCrashed_DisagreesEvenWithTheSameAnswer()
    {
        Assert.False((Allow0 with { Crashed = true }).SameAs(Allow0));
    }

    [Fact]
    public void Printer_LowerPrecedenceOperand_GetsParentheses()
    {
        var sum = new BinaryExpr("+", new AtomExpr("1"), new AtomExpr("2"), GenExpr.AddLevel);

        Assert.Equal("(1 + 2) * 3", new BinaryExpr("*", sum, new AtomExpr("3"), GenExpr.MulLevel).ToString());
        Assert.Equal("3 - (1 + 2)", new BinaryExpr("-", new AtomExpr("3"), sum, GenExpr.AddLevel).ToString());
        Assert.Equal("1 + 2 - 3", new BinaryExpr("-", sum, new AtomExpr("3"), GenExpr.AddLevel).ToString());
        Assert.Equal("(1 + 2).isEmpty()", new MethodExpr(sum, "isEmpty", []).ToString());
        Assert.Equal("(if true then 1 else 2) + 1", new BinaryExpr("+", new IfExpr(new AtomExpr("true"), new AtomExpr("1"), new AtomExpr("2")), new AtomExpr("1"), GenExpr.AddLevel).ToString());
    }

    [Fact]
    public void Printer_RelationsDoNotChain()
    {
        var less = new BinaryExpr("<", new AtomExpr("1"), new AtomExpr("2"), GenExpr.RelationLevel);

        Assert.Equal("(1 < 2) == true", new BinaryExpr("==", less, new AtomExpr("true"), GenExpr.RelationLevel).ToString());
    }

    [Fact]
    public void Quote_SpecialCharacters_AreEscapedAsCedarReadsThem()
    {
        Assert.Equal("\"a\\\"b\\\\c\\n\\0\"", CedarText.Quote("a\"b\\c\n\0"));
        Assert.Equal("\"\\u{1}\"", CedarText.Quote("\u0001", style: 2));
        Assert.Equal("\"a\\*\"", Pattern("a*"));
    }

    [Fact]
    public void Generators_SameSeed_SameCase()
    {
        Assert.Equal(CaseGenerator.Generate("a", 42).Describe(), CaseGenerator.Generate("a", 42).Describe());
        Assert.Equal(SyntaxMutator.Generate("a", 42).Describe(), SyntaxMutator.Generate("a", 42).Describe());
        Assert.Equal(SchemaCaseGenerator.Generate("a", 42).Describe(), SchemaCaseGenerator.Generate("a", 42).Describe());
        Assert.NotEqual(CaseGenerator.Generate("a", 42).Describe(), CaseGenerator.Generate("a", 43).Describe());
    }

    [Fact]
    public void Generator_ManyCases_ReachEveryFeature()
    {
        var text = string.Concat(Enumerable.Range(0, 400).Select(i => CaseGenerator.Generate("c", DiffSettings.CaseSeed(1, i)).PolicyText));

        foreach (var feature in new[]
        {
            " like ", " has ", " is ", " in [", ".getTag(", ".hasTag(", ".contains(", ".containsAll(", ".containsAny(", ".isEmpty()",
            "if ", "unless", "forbid", "@id(", "principal is ", "resource in ", "ip(", ".isInRange(", ".isLoopback()", "decimal(",
            ".lessThan(", "datetime(", "duration(", ".offset(", ".durationSince(", ".toDate()", ".toTime()", ".toDays()",
            "9223372036854775807", " * ", " || ", " && ", "!", "[\"", "{",
        })
        {
            Assert.Contains(feature, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Shrinker_KeepsOnlyWhatTheDisagreementNeeds()
    {
        // A stand-in "bug": any case whose policies use `like` disagrees.
        var original = Enumerable.Range(0, 200)
            .Select(i => CaseGenerator.Generate("c", DiffSettings.CaseSeed(2, i)))
            .First(c => c.Policies.Count > 1 && c.PolicyText.Contains(" like ", StringComparison.Ordinal));
        Disagreement? Check(DiffCase c) =>
            c.PolicyText.Contains(" like ", StringComparison.Ordinal) && c.Requests.Count > 0 ? new Disagreement(c, 0, Allow0, Allow0) : null;

        var shrunk = Shrinker.Shrink(Check(original)!, Check);

        Assert.Single(shrunk.Case.Policies);
        Assert.Single(shrunk.Case.Requests);
        Assert.Empty(shrunk.Case.Entities);
        Assert.Matches("^permit \\(\\n  principal,\\n  action,\\n  resource\\n\\)\\nwhen \\{ .* like \"[^\"]*\" \\};$", shrunk.Case.PolicyText);
    }

    [Fact]
    public void Oracle_PackageMissing_FailsWithHowToInstall()
    {
        var root = Directory.CreateTempSubdirectory("warden-oracle-");
        try
        {
            Directory.CreateDirectory(Path.Combine(root.FullName, "tools", "node"));
            File.WriteAllText(Path.Combine(root.FullName, "tools", "node", "cedar-oracle.mjs"), "");

            var e = Assert.Throws<InvalidOperationException>(() => Oracle.CedarOracle.Start(root.FullName, "node"));

            Assert.Contains("cd tools/node && npm ci", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void Oracle_NodeMissing_FailsWithHowToInstall()
    {
        var root = Directory.CreateTempSubdirectory("warden-oracle-");
        try
        {
            var package = Path.Combine(root.FullName, "tools", "node", "node_modules", "@cedar-policy", "cedar-wasm", "nodejs");
            Directory.CreateDirectory(package);
            File.WriteAllText(Path.Combine(package, "cedar_wasm.js"), "");
            File.WriteAllText(Path.Combine(root.FullName, "tools", "node", "cedar-oracle.mjs"), "");

            var e = Assert.Throws<InvalidOperationException>(() => Oracle.CedarOracle.Start(root.FullName, "node-that-is-not-installed"));

            Assert.Contains("npm ci", e.Message, StringComparison.Ordinal);
            Assert.Contains("Node.js", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    private static string Pattern(string literal)
    {
        var sb = new System.Text.StringBuilder("\"");
        foreach (var rune in literal.EnumerateRunes())
        {
            CedarText.AppendRune(sb, rune, 0, inPattern: true);
        }

        return sb.Append('"').ToString();
    }
}
