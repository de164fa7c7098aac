using System.Globalization;
using System.Text;

using Warden.Policy.Tests.Validation;

namespace Warden.Policy.Tests.Differential.Generation;

/// <summary>
/// Random policy conditions over one fixed, hand-written schema (<see cref="ValidatorTests.SchemaText"/>: extension
/// attributes, nested optional records, tags, an enum, action groups): a mix of well-typed code and near misses
/// (optional attributes with and without <c>has</c> guards, mixed types, empty sets, short-circuits, tags, the action
/// hierarchy), so that strict validation outcomes split roughly evenly. This complements the random schemas of
/// <see cref="SchemaGenerator"/> with deeper flow typing over a schema whose shape is known.
/// </summary>
internal sealed class FixedSchemaConditions
{
    private readonly Random _random;

    public FixedSchemaConditions(Random random)
    {
        _random = random;
    }

    /// <summary>Policy text with <paramref name="count"/> policies, all with an unconstrained scope.</summary>
    public string Generate(int count)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"permit(principal, action, resource) when {{ {Bool(_random.Next(1, 5))} }};\n");
        }

        return text.ToString();
    }

    private string Pick(params string[] choices) => choices[_random.Next(choices.Length)];

    private string Bool(int depth)
    {
        if (depth <= 0)
        {
            return Pick("true", "false", "(principal has nick)", "(principal.age > 3)", "(context has level)", "(resource is Doc)", "principal.hasTag(\"t\")");
        }

        var d = depth - 1;
        return _random.Next(22) switch
        {
            0 => $"({Bool(d)} && {Bool(d)})",
            1 => $"({Bool(d)} || {Bool(d)})",
            2 => $"!{Bool(d)}",
            3 => $"(if {Bool(d)} then {Bool(d)} else {Bool(d)})",
            4 => $"({Any(d)} == {Any(d)})",
            5 => $"({Long(d)} < {Long(d)})",
            6 => $"({Entity(d)} in {Pick(Entity(d), "[" + Entity(d) + "]", "principal.groups", "Group::\"g\"", "Folder::\"f\"")})",
            7 => $"({Entity(d)} has {Pick("nick", "age", "name", "owner", "public", "manager", "bogus", "labels")})",
            8 => $"({Record()} has {Pick("email", "phone", "level", "ip", "flags", "x")})",
            9 => $"{Set(d)}.contains({Any(d)})",
            10 => $"{Set(d)}.containsAny({Set(d)})",
            11 => $"({String()} like \"a*\")",
            12 => $"({Entity(d)} is {Pick("User", "Doc", "Group", "Folder")})",
            13 => $"{Entity(d)}.hasTag({String()})",
            14 => $"(principal.nick == {String()})",
            15 => $"(principal.manager.name == {String()})",
            16 => $"(principal has manager && {Bool(d)})",
            17 => "context.ip.isInRange(ip(\"10.0.0.0/8\"))",
            18 => $"{Set(d)}.isEmpty()",
            19 => $"(action == Action::\"{Pick("view", "edit", "paint")}\")",
            20 => $"(action in [Action::\"{Pick("read", "write", "view")}\"])",
            _ => $"{Entity(d)}.{Pick("public", "nick", "x")}",
        };
    }

    private string Long(int depth) => depth <= 0
        ? Pick("1", "-2", "principal.age", "context.level")
        : Pick($"({Long(depth - 1)} + {Long(depth - 1)})", $"principal.getTag({String()})", "principal.tenure.toDays()", "principal.age", $"(if {Bool(depth - 1)} then {Long(depth - 1)} else {Any(depth - 1)})");

    private string String() => Pick("\"a\"", "principal.name", "\"t\"", "principal.profile.email", "principal.profile.phone", "resource.owner.name", "principal.nick");

    private string Entity(int depth) => depth <= 0
        ? Pick("principal", "resource", "User::\"u\"", "Doc::\"d\"")
        : Pick("principal", "resource", "resource.owner", "principal.manager", $"(if {Bool(depth - 1)} then principal else resource)", "Group::\"g\"", "action");

    private string Record() => Pick("context", "principal.profile", "{email: \"e\"}", "{email: \"e\", phone: \"p\"}");

    private string Set(int depth) => Pick("principal.groups", "resource.labels", "context.flags", "[1, 2]", "[\"a\"]", "[principal]", "[]", $"[{Any(Math.Max(0, depth - 1))}]");

    private string Any(int depth) => _random.Next(6) switch
    {
        0 => Bool(depth),
        1 => Long(depth),
        2 => String(),
        3 => Entity(depth),
        4 => Set(depth),
        _ => Record(),
    };
}
