using System.Text.Json.Nodes;

namespace Warden.Policy.Tests.Differential.Generation;

/// <summary>
/// Unusual Cedar JSON values (escape forms with extra or missing fields, multi-argument <c>__extn</c>, unknown
/// functions, reserved names, bad type names, implicit forms without a schema): each must be read — or refused —
/// exactly as cedar-wasm does.
/// </summary>
internal static class OddJson
{
    /// <summary>Named values; each is tried as a context attribute and as an entity attribute.</summary>
    public static readonly (string Name, Func<JsonNode?> Value)[] Values =
    [
        ("extn-args", () => new JsonObject { ["__extn"] = new JsonObject { ["fn"] = "decimal", ["args"] = new JsonArray("1.0") } }),
        ("extn-unknown-fn", () => new JsonObject { ["__extn"] = new JsonObject { ["fn"] = "nope", ["arg"] = "1" } }),
        ("extn-ipaddr-fn", () => new JsonObject { ["__extn"] = new JsonObject { ["fn"] = "ipaddr", ["arg"] = "1.2.3.4" } }),
        ("extn-qualified-fn", () => new JsonObject { ["__extn"] = new JsonObject { ["fn"] = "__cedar::decimal", ["arg"] = "1.0" } }),
        ("extn-number-arg", () => new JsonObject { ["__extn"] = new JsonObject { ["fn"] = "decimal", ["arg"] = 1 } }),
        ("extn-no-arg", () => new JsonObject { ["__extn"] = new JsonObject { ["fn"] = "decimal" } }),
        ("extn-arg-and-args", () => new JsonObject { ["__extn"] = new JsonObject { ["fn"] = "decimal", ["arg"] = "1.0", ["args"] = new JsonArray("2.0") } }),
        ("extn-extra-field", () => new JsonObject { ["__extn"] = new JsonObject { ["fn"] = "decimal", ["arg"] = "1.0", ["x"] = 1 } }),
        ("extn-method-offset", () => new JsonObject
        {
            ["__extn"] = new JsonObject
            {
                ["fn"] = "offset",
                ["args"] = new JsonArray(
                    new JsonObject { ["__extn"] = new JsonObject { ["fn"] = "datetime", ["arg"] = "2024-01-01" } },
                    new JsonObject { ["__extn"] = new JsonObject { ["fn"] = "duration", ["arg"] = "1d" } }),
            },
        }),
        ("extn-method-isInRange", () => new JsonObject
        {
            ["__extn"] = new JsonObject
            {
                ["fn"] = "isInRange",
                ["args"] = new JsonArray(
                    new JsonObject { ["__extn"] = new JsonObject { ["fn"] = "ip", ["arg"] = "10.0.0.1" } },
                    new JsonObject { ["__extn"] = new JsonObject { ["fn"] = "ip", ["arg"] = "10.0.0.0/8" } }),
            },
        }),
        ("extn-args-nested-string", () => new JsonObject { ["__extn"] = new JsonObject { ["fn"] = "lessThan", ["args"] = new JsonArray("1.0", "2.0") } }),
        ("extn-plus-key", () => new JsonObject { ["__extn"] = new JsonObject { ["fn"] = "decimal", ["arg"] = "1.0" }, ["x"] = 1 }),
        ("extn-not-object", () => new JsonObject { ["__extn"] = "decimal" }),
        ("entity-extra-field", () => new JsonObject { ["__entity"] = new JsonObject { ["type"] = "User", ["id"] = "alice", ["extra"] = 1 } }),
        ("entity-missing-id", () => new JsonObject { ["__entity"] = new JsonObject { ["type"] = "User" } }),
        ("entity-number-id", () => new JsonObject { ["__entity"] = new JsonObject { ["type"] = "User", ["id"] = 1 } }),
        ("entity-bad-type", () => new JsonObject { ["__entity"] = new JsonObject { ["type"] = "Us er", ["id"] = "a" } }),
        ("entity-empty-type", () => new JsonObject { ["__entity"] = new JsonObject { ["type"] = "", ["id"] = "a" } }),
        ("entity-spaced-type", () => new JsonObject { ["__entity"] = new JsonObject { ["type"] = "Org :: Team", ["id"] = "t1" } }),
        ("entity-reserved-type", () => new JsonObject { ["__entity"] = new JsonObject { ["type"] = "if", ["id"] = "a" } }),
        ("entity-cedar-type", () => new JsonObject { ["__entity"] = new JsonObject { ["type"] = "__cedar::User", ["id"] = "a" } }),
        ("entity-plus-key", () => new JsonObject { ["__entity"] = new JsonObject { ["type"] = "User", ["id"] = "alice" }, ["x"] = 1 }),
        ("implicit-entity", () => new JsonObject { ["type"] = "User", ["id"] = "alice" }),
        ("implicit-extn", () => new JsonObject { ["fn"] = "decimal", ["arg"] = "1.0" }),
        ("null", () => null),
        ("expr-escape", () => new JsonObject { ["__expr"] = "1" }),
        ("nested-null", () => new JsonArray(1, null)),
        ("set-of-mixed", () => new JsonArray(1, "a", true)),
        ("record-with-null", () => new JsonObject { ["a"] = null }),
        ("empty-key", () => new JsonObject { [""] = 1 }),
        ("bool-string", () => "true"),
        ("max-safe", () => 9007199254740991),
        ("negative-zero-ish", () => -0),
    ];

    /// <summary>Named entity entries of unusual shape (each is the only entity besides nothing else).</summary>
    public static readonly (string Name, Func<JsonObject> Entity)[] Entities =
    [
        ("no-attrs", () => new JsonObject { ["uid"] = Alice(), ["parents"] = new JsonArray() }),
        ("no-parents", () => new JsonObject { ["uid"] = Alice(), ["attrs"] = new JsonObject() }),
        ("uid-only", () => new JsonObject { ["uid"] = Alice() }),
        ("extra-field", () => new JsonObject { ["uid"] = Alice(), ["attrs"] = new JsonObject(), ["parents"] = new JsonArray(), ["x"] = 1 }),
        ("tags-null", () => new JsonObject { ["uid"] = Alice(), ["attrs"] = new JsonObject(), ["parents"] = new JsonArray(), ["tags"] = null }),
        ("attrs-null", () => new JsonObject { ["uid"] = Alice(), ["attrs"] = null, ["parents"] = new JsonArray() }),
        ("parents-null", () => new JsonObject { ["uid"] = Alice(), ["attrs"] = new JsonObject(), ["parents"] = null }),
        ("uid-escaped", () => new JsonObject { ["uid"] = new JsonObject { ["__entity"] = Alice() }, ["attrs"] = new JsonObject(), ["parents"] = new JsonArray() }),
        ("parent-escaped", () => new JsonObject { ["uid"] = Alice(), ["attrs"] = new JsonObject(), ["parents"] = new JsonArray(new JsonObject { ["__entity"] = Group() }) }),
        ("parent-not-entity", () => new JsonObject { ["uid"] = Alice(), ["attrs"] = new JsonObject(), ["parents"] = new JsonArray("Group::\"admins\"") }),
        ("parent-self", () => new JsonObject { ["uid"] = Alice(), ["attrs"] = new JsonObject(), ["parents"] = new JsonArray(Alice()) }),
        ("parent-twice", () => new JsonObject { ["uid"] = Alice(), ["attrs"] = new JsonObject(), ["parents"] = new JsonArray(Group(), Group()) }),
        ("parent-action", () => new JsonObject { ["uid"] = Alice(), ["attrs"] = new JsonObject(), ["parents"] = new JsonArray(new JsonObject { ["type"] = "Action", ["id"] = "read" }) }),
        ("attrs-array", () => new JsonObject { ["uid"] = Alice(), ["attrs"] = new JsonArray(), ["parents"] = new JsonArray() }),
        ("tags-array", () => new JsonObject { ["uid"] = Alice(), ["attrs"] = new JsonObject(), ["parents"] = new JsonArray(), ["tags"] = new JsonArray() }),
        ("uid-extra", () => new JsonObject { ["uid"] = new JsonObject { ["type"] = "User", ["id"] = "alice", ["x"] = 1 }, ["attrs"] = new JsonObject(), ["parents"] = new JsonArray() }),
        ("uid-action-with-parent-user", () => new JsonObject { ["uid"] = new JsonObject { ["type"] = "Action", ["id"] = "read" }, ["attrs"] = new JsonObject(), ["parents"] = new JsonArray(Alice()) }),
        ("uid-namespaced-action-with-parent-user", () => new JsonObject { ["uid"] = new JsonObject { ["type"] = "Org::Action", ["id"] = "read" }, ["attrs"] = new JsonObject(), ["parents"] = new JsonArray(Alice()) }),
        ("uid-action-with-parent-namespaced-action", () => new JsonObject { ["uid"] = new JsonObject { ["type"] = "Action", ["id"] = "read" }, ["attrs"] = new JsonObject(), ["parents"] = new JsonArray(new JsonObject { ["type"] = "Org::Action", ["id"] = "all" }) }),
        ("uid-actionish-type-with-parent-user", () => new JsonObject { ["uid"] = new JsonObject { ["type"] = "MyAction", ["id"] = "read" }, ["attrs"] = new JsonObject(), ["parents"] = new JsonArray(Alice()) }),
        ("uid-action-with-attrs", () => new JsonObject { ["uid"] = new JsonObject { ["type"] = "Action", ["id"] = "read" }, ["attrs"] = new JsonObject { ["x"] = 1 }, ["parents"] = new JsonArray() }),
        ("uid-action-with-tags", () => new JsonObject { ["uid"] = new JsonObject { ["type"] = "Action", ["id"] = "read" }, ["attrs"] = new JsonObject(), ["parents"] = new JsonArray(), ["tags"] = new JsonObject { ["x"] = 1 } }),
    ];

    private static JsonObject Alice() => new() { ["type"] = "User", ["id"] = "alice" };

    private static JsonObject Group() => new() { ["type"] = "Group", ["id"] = "admins" };
}
