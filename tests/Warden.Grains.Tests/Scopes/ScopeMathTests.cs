using Warden.Grains.Scopes;
using Warden.Scopes;

namespace Warden.Grains.Tests.Scopes;

public sealed class ScopeMathTests
{
    [Fact]
    public void Cover_RequestWiderThanSurface_GivesOnlyTheDeclaredParts()
    {
        var surface = new[] { new ScopeEntry("doc.read", "Doc::\"reports/*\""), new ScopeEntry("doc.read", "Doc::\"public/*\""), new ScopeEntry("doc.write", "Doc::*") };

        var parts = ScopeMath.Cover(new ScopeRequest("doc.read", "Doc::*"), [.. surface]);

        Assert.Equal(["Doc::\"reports/*\"", "Doc::\"public/*\""], parts.Select(p => p.ToString()));
    }

    [Fact]
    public void Cover_RequestInsideWildcardAction_GivesTheRequest()
    {
        var parts = ScopeMath.Cover(new ScopeRequest("db.query", "Db::Table::\"orders\""), [new ScopeEntry("*", "Db::Table::*")]);

        Assert.Equal("Db::Table::\"orders\"", Assert.Single(parts).ToString());
    }

    [Fact]
    public void Cover_OtherActionOrType_GivesNothing()
    {
        Assert.Empty(ScopeMath.Cover(new ScopeRequest("email.send", "Doc::*"), [new ScopeEntry("doc.read", "Doc::*")]));
        Assert.Empty(ScopeMath.Cover(new ScopeRequest("doc.read", "Sheet::*"), [new ScopeEntry("doc.read", "Doc::*")]));
    }

    [Fact]
    public void Cover_OverlappingSurfaceEntries_DropsRedundantParts()
    {
        var parts = ScopeMath.Cover(new ScopeRequest("doc.read", "Doc::\"reports/*\""), [new ScopeEntry("doc.read", "Doc::\"reports/2026/*\""), new ScopeEntry("doc.read", "Doc::*")]);

        Assert.Equal("Doc::\"reports/*\"", Assert.Single(parts).ToString());
    }
}
