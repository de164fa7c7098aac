using System.Text.Json.Nodes;
using Warden.Policy.Tests.Differential.Generation;

namespace Warden.Policy.Tests.Differential;

/// <summary>A small fixed world for hand-written differential cases: alice in admins, d1 in root, two requests.</summary>
internal static class KnownCases
{
    public static readonly GenUid Alice = new("User", "alice");
    public static readonly GenUid Admins = new("Group", "admins");
    public static readonly GenUid D1 = new("Doc", "d1");
    public static readonly GenUid Root = new("Folder", "root");
    public static readonly GenUid Read = new("Action", "read");

    public static readonly GenEntity[] Entities =
    [
        new(Alice, [new("name", JsonValue.Create("alice")), new("age", JsonValue.Create(42)), new("manager", new JsonObject { ["__entity"] = Admins.ToJson() })], [Admins], [new("k1", JsonValue.Create(1))]),
        new(Admins, [], [], null),
        new(D1, [new("owner", new JsonObject { ["__entity"] = Alice.ToJson() })], [Root], null),
        new(Root, [], [], null),
    ];

    public static readonly GenRequest[] Requests =
    [
        new(Alice, Read, D1, [new("n", JsonValue.Create(1))]),
        new(new GenUid("User", "bob"), Read, Root, []),
    ];

    /// <summary>A case with raw policy text against the fixed world.</summary>
    public static DiffCase Raw(string name, string policies) => new(name, [], Entities, Requests, policies);
}
