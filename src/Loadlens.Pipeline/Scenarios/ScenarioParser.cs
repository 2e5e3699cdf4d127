using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

using Loadlens.Core;
using Loadlens.Core.Scenarios;

namespace Loadlens.Pipeline.Scenarios;

/// <summary>
/// Turns a YAML representation-model tree into a validated <see cref="ScenarioDefinition"/>.
/// Every problem is an <see cref="InputFormatException"/> located at the offending node: values at the value node,
/// unknown or misplaced keys at the key node, missing keys at the mapping that should hold them.
/// </summary>
internal sealed class ScenarioParser
{
    internal static readonly string[] RootKeys = ["name", "baseUrl", "httpVersion", "timeout", "headers", "feeders", "endpoints", "load", "sla", "redact"];
    internal static readonly string[] FeederKeys = ["name", "range", "csv", "values", "order"];
    internal static readonly string[] RangeKeys = ["from", "to"];
    internal static readonly string[] CsvKeys = ["file", "column"];
    internal static readonly string[] EndpointKeys = ["name", "method", "path", "weight", "headers", "body", "expect"];
    internal static readonly string[] ExpectKeys = ["status", "bodyContains"];
    internal static readonly string[] LoadKeys = ["model", "users", "rate", "maxInFlight", "duration", "iterations", "stages", "thinkTime", "warmUp"];
    internal static readonly string[] StageKeys = ["duration", "target"];
    internal static readonly string[] ThinkTimeKeys = ["min", "max"];
    internal static readonly string[] SlaKeys = ["endpoint", "p50", "p95", "p99", "errorRate", "minThroughput"];

    private static readonly string[] FeederSources = ["range", "csv", "values"];
    private static readonly string[] RunLengthKeys = ["duration", "iterations", "stages"];

    private readonly string _source;
    private readonly string _baseDirectory;
    private readonly Func<string, string?> _environment;
    private readonly List<string> _feederNames = [];
    private readonly Dictionary<string, string> _templates = new(StringComparer.Ordinal);

    public ScenarioParser(string source, string baseDirectory, Func<string, string?> environment)
    {
        _source = source;
        _baseDirectory = baseDirectory;
        _environment = environment;
    }

    public ScenarioDefinition Parse(YamlNode rootNode)
    {
        var root = Mapping(rootNode, "the scenario", RootKeys, "the scenario", "a mapping with keys such as 'baseUrl', 'endpoints' and 'load'");
        var name = ParseName(root);
        var baseUrl = ParseBaseUrl(root.Require("baseUrl"));
        var endpointsNode = root.Require("endpoints");
        var loadNode = root.Require("load");
        var httpVersion = root.Get("httpVersion") is { } versionNode ? ParseHttpVersion(versionNode) : "1.1";
        var timeout = root.Get("timeout") is { } timeoutNode ? Duration(timeoutNode, "'timeout'", positive: true) : TimeSpan.FromSeconds(30);
        var feeders = root.Get("feeders") is { } feedersNode ? ParseFeeders(feedersNode) : [];
        var headers = root.Get("headers") is { } headersNode ? ParseHeaders(headersNode, "'headers'") : new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var endpoints = ParseEndpoints(endpointsNode);
        var load = ParseLoad(loadNode);
        var sla = root.Get("sla") is { } slaNode ? ParseSla(slaNode, endpoints) : [];
        var redact = root.Get("redact") is { } redactNode ? ParseRedact(redactNode) : [];

        return new ScenarioDefinition
        {
            Name = name,
            BaseUrl = baseUrl,
            HttpVersion = httpVersion,
            RequestTimeout = timeout,
            Headers = headers,
            Feeders = feeders,
            Endpoints = endpoints,
            Load = load,
            Sla = sla,
            Redact = redact,
            EnvironmentTemplates = _templates,
        };
    }

    /// <summary><c>redact:</c> a list of header or feeder names whose values never reach an output.</summary>
    private List<string> ParseRedact(YamlNode node)
    {
        var items = node is YamlSequenceNode sequence ? sequence.Children.ToList() : [node];
        var names = new List<string>();
        foreach (var item in items)
        {
            var name = Text(item, "'redact'", "a list of header or feeder names").Trim();
            if (!IsToken(name))
            {
                throw Error(item, $"'redact' lists header or feeder names, got '{TextTemplates.Shorten(name)}'");
            }

            names.Add(name);
        }

        return names;
    }

    // ---------------------------------------------------------------- scenario level

    private string ParseName(YamlMapping root)
    {
        if (root.Get("name") is not { } node)
        {
            var fromFile = Path.GetFileNameWithoutExtension(_source);
            return string.IsNullOrWhiteSpace(fromFile) ? "scenario" : fromFile;
        }

        var name = Text(node, "'name'").Trim();
        if (name.Length == 0)
        {
            throw Error(node, "'name' cannot be empty");
        }

        if (name is "." or ".." || name.Any(c => c is '/' or '\\' || char.IsControl(c)))
        {
            throw Error(node, $"'name' is used for output folders and cannot be '.', '..' or contain '/', '\\' or control characters, got '{TextTemplates.Shorten(name)}'");
        }

        return name;
    }

    private Uri ParseBaseUrl(YamlNode node)
    {
        var raw = Text(node, "'baseUrl'", "an absolute http or https URL");
        var expanded = Environment(node, raw, "'baseUrl'").Trim();
        if (Uri.TryCreate(expanded, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && uri.Host.Length > 0)
        {
            return uri;
        }

        var shown = expanded == raw.Trim() ? $"'{TextTemplates.Shorten(raw)}'" : $"'{TextTemplates.Shorten(raw)}' (after ${{...}} substitution)";
        throw Error(node, $"'baseUrl' must be an absolute http or https URL such as http://localhost:5000, got {shown}");
    }

    private string ParseHttpVersion(YamlNode node)
    {
        var text = Text(node, "'httpVersion'", "\"1.1\" or \"2\"").Trim();
        return text switch
        {
            "1.1" => "1.1",
            "2" or "2.0" => "2",
            _ => throw Error(node, $"'httpVersion' must be \"1.1\" or \"2\", got '{TextTemplates.Shorten(text)}'"),
        };
    }

    private Dictionary<string, string> ParseHeaders(YamlNode node, string label)
    {
        if (node is not YamlMappingNode mapping)
        {
            throw Error(node, $"{label} must be a mapping of header names to values, got {Describe(node)}");
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode key || IsNull(key) || !IsToken(key.Value ?? string.Empty))
            {
                throw Error(keyNode, $"{Describe(keyNode)} in {label} is not a valid HTTP header name");
            }

            var name = key.Value!;
            if (headers.ContainsKey(name))
            {
                throw Error(keyNode, $"header '{name}' appears twice in {label} (header names are case-insensitive)");
            }

            var headerLabel = $"header '{name}'";
            var value = Environment(valueNode, Text(valueNode, headerLabel, "text (write '' for an empty value)"), headerLabel);
            if (value.Any(c => char.IsControl(c) && c != '\t'))
            {
                throw Error(valueNode, $"{headerLabel} must not contain line breaks or control characters");
            }

            CheckPlaceholders(valueNode, value, headerLabel);
            headers[name] = value;
        }

        return headers;
    }

    // ---------------------------------------------------------------- feeders

    private List<FeederDefinition> ParseFeeders(YamlNode node)
    {
        var feeders = new List<FeederDefinition>();
        foreach (var item in Sequence(node, "'feeders'", "a list of feeders").Children)
        {
            var feeder = Mapping(item, "the feeder", FeederKeys, "each feeder", "a mapping with 'name' and one of 'range', 'csv' or 'values'");
            var nameNode = feeder.Require("name");
            var name = Text(nameNode, "the feeder 'name'");
            if (!TextTemplates.IsFeederName(name))
            {
                throw Error(nameNode, $"feeder name '{TextTemplates.Shorten(name)}' must start with a letter or '_' and contain only letters, digits, '_' and '-'");
            }

            if (_feederNames.Contains(name))
            {
                throw Error(nameNode, $"feeder '{name}' is defined twice");
            }

            var sources = FeederSources.Where(feeder.Has).OrderBy(k => feeder.KeyNode(k)!.Start.Index).ToList();
            if (sources.Count == 0)
            {
                throw Error(feeder.Node, $"feeder '{name}' needs one of 'range', 'csv' or 'values'");
            }

            if (sources.Count > 1)
            {
                throw Error(feeder.KeyNode(sources[1])!, $"feeder '{name}' has both '{sources[0]}' and '{sources[1]}'; use only one");
            }

            var order = FeederOrder.Sequential;
            if (feeder.Get("order") is { } orderNode)
            {
                var text = Text(orderNode, "'order'", "'random' or 'sequential'").Trim();
                order = text.ToLowerInvariant() switch
                {
                    "random" => FeederOrder.Random,
                    "sequential" => FeederOrder.Sequential,
                    _ => throw Error(orderNode, $"'order' must be 'random' or 'sequential', got '{TextTemplates.Shorten(text)}'"),
                };
            }

            var sourceNode = feeder.Get(sources[0])!;
            var definition = sources[0] switch
            {
                "range" => ParseRangeFeeder(name, sourceNode),
                "csv" => ParseCsvFeeder(name, sourceNode),
                _ => ParseValuesFeeder(name, sourceNode),
            };

            _feederNames.Add(name);
            feeders.Add(definition with { Order = order });
        }

        return feeders;
    }

    private FeederDefinition ParseRangeFeeder(string name, YamlNode node)
    {
        var range = Mapping(node, "'range'", RangeKeys, "'range'", "a mapping such as { from: 1, to: 100 }");
        var fromNode = range.Require("from");
        var toNode = range.Require("to");
        var from = Integer(fromNode, "'from'", long.MinValue, long.MaxValue);
        var to = Integer(toNode, "'to'", long.MinValue, long.MaxValue);
        if (to < from)
        {
            throw Error(toNode, $"'to' ({to}) must not be less than 'from' ({from})");
        }

        return new FeederDefinition { Name = name, Kind = FeederKind.Range, From = from, To = to };
    }

    private FeederDefinition ParseValuesFeeder(string name, YamlNode node)
    {
        var sequence = Sequence(node, "'values'", "a list of values");
        if (sequence.Children.Count == 0)
        {
            throw Error(sequence, $"'values' of feeder '{name}' must list at least one value");
        }

        var values = sequence.Children.Select(v => Text(v, "each of 'values'", "text (write '' for an empty value)")).ToList();
        return new FeederDefinition { Name = name, Kind = FeederKind.Csv, Values = values };
    }

    private FeederDefinition ParseCsvFeeder(string name, YamlNode node)
    {
        var csv = Mapping(node, "'csv'", CsvKeys, "'csv'", "a mapping such as { file: ids.csv, column: id }");
        var fileNode = csv.Require("file");
        var file = Text(fileNode, "'file'", "a file name");
        if (file.Trim().Length == 0)
        {
            throw Error(fileNode, "'file' cannot be empty");
        }

        string fullPath;
        try
        {
            fullPath = Path.GetFullPath(Path.Combine(_baseDirectory, file));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw Error(fileNode, $"'{TextTemplates.Shorten(file)}' is not a valid file name");
        }

        if (Directory.Exists(fullPath))
        {
            throw Error(fileNode, $"CSV file '{file}' is a directory ({fullPath})");
        }

        if (!File.Exists(fullPath))
        {
            throw Error(fileNode, $"CSV file '{file}' not found (looked for {fullPath})");
        }

        CsvFeederFile table;
        try
        {
            table = CsvFeederFile.Parse(File.ReadAllText(fullPath));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Error(fileNode, $"cannot read CSV file '{file}': {ex.Message}");
        }
        catch (FormatException ex)
        {
            throw Error(fileNode, $"CSV file '{file}': {ex.Message}");
        }

        int columnIndex;
        string column;
        if (csv.Get("column") is { } columnNode)
        {
            column = Text(columnNode, "'column'", "a column name");
            columnIndex = IndexOf(table.Header, column);
            if (columnIndex < 0)
            {
                throw Error(columnNode, $"column '{TextTemplates.Shorten(column)}' not found in '{file}'{Suggestions.DidYouMean(column, table.Header)} (columns: {List(table.Header)})");
            }
        }
        else if (table.Header.Count == 1)
        {
            columnIndex = 0;
            column = table.Header[0];
        }
        else
        {
            throw Error(csv.Node, $"'{file}' has {table.Header.Count} columns ({List(table.Header)}); choose one with 'column'");
        }

        if (table.Rows.Count == 0)
        {
            throw Error(fileNode, $"CSV file '{file}' has no data rows");
        }

        var values = table.Rows.Select(r => r.Fields[columnIndex]).ToList();
        return new FeederDefinition { Name = name, Kind = FeederKind.Csv, File = fullPath, Column = column, Values = values };
    }

    // ---------------------------------------------------------------- endpoints

    private List<EndpointDefinition> ParseEndpoints(YamlNode node)
    {
        var sequence = Sequence(node, "'endpoints'", "a list of endpoints");
        if (sequence.Children.Count == 0)
        {
            throw Error(sequence, "'endpoints' must list at least one endpoint");
        }

        var drafts = sequence.Children.Select(ParseEndpoint).ToList();

        var used = new Dictionary<string, EndpointDraft>(StringComparer.Ordinal);
        foreach (var draft in drafts.Where(d => d.NameNode is not null))
        {
            if (!used.TryAdd(draft.Endpoint.Name, draft))
            {
                throw Error(draft.NameNode!, $"duplicate endpoint name '{draft.Endpoint.Name}' (also used by the endpoint on line {used[draft.Endpoint.Name].Mapping.Start.Line})");
            }
        }

        var shortNameCounts = drafts.Where(d => d.NameNode is null)
            .GroupBy(d => d.ShortName, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var explicitNames = used.Keys.ToHashSet(StringComparer.Ordinal);

        var endpoints = new List<EndpointDefinition>(drafts.Count);
        foreach (var draft in drafts)
        {
            if (draft.NameNode is not null)
            {
                endpoints.Add(draft.Endpoint);
                continue;
            }

            // "METHOD path" without the query, unless that would be ambiguous; then with the query.
            var name = shortNameCounts[draft.ShortName] > 1 || explicitNames.Contains(draft.ShortName) ? draft.FullName : draft.ShortName;
            if (!used.TryAdd(name, draft))
            {
                throw Error(draft.Mapping, $"this endpoint's default name '{name}' is already used by the endpoint on line {used[name].Mapping.Start.Line}; give one of them a distinct 'name'");
            }

            endpoints.Add(draft.Endpoint with { Name = name });
        }

        return endpoints;
    }

    private EndpointDraft ParseEndpoint(YamlNode node)
    {
        var endpoint = Mapping(node, "the endpoint", EndpointKeys, "each endpoint", "a mapping with at least 'path'");

        var method = "GET";
        if (endpoint.Get("method") is { } methodNode)
        {
            method = Text(methodNode, "'method'", "an HTTP method such as GET or POST").Trim().ToUpperInvariant();
            if (!IsToken(method))
            {
                throw Error(methodNode, $"'method' must be an HTTP method such as GET or POST, got '{TextTemplates.Shorten(method)}'");
            }
        }

        var pathNode = endpoint.Require("path");
        var path = Text(pathNode, "'path'", "a path such as /api/items");
        if (!path.StartsWith('/') && !path.StartsWith("{{", StringComparison.Ordinal))
        {
            throw Error(pathNode, $"'path' must start with '/' (it is relative to 'baseUrl'), got '{TextTemplates.Shorten(path)}'");
        }

        if (path.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw Error(pathNode, "'path' must not contain spaces, line breaks or control characters (percent-encode them, e.g. %20)");
        }

        CheckPlaceholders(pathNode, path, "'path'");

        string? explicitName = null;
        var nameNode = endpoint.Get("name");
        if (nameNode is not null)
        {
            explicitName = Text(nameNode, "the endpoint 'name'").Trim();
            if (explicitName.Length == 0)
            {
                throw Error(nameNode, "the endpoint 'name' cannot be empty (remove it to use the default \"METHOD path\")");
            }
        }

        double weight = 1;
        if (endpoint.Get("weight") is { } weightNode)
        {
            weight = Number(weightNode, "'weight'");
            if (weight <= 0)
            {
                throw Error(weightNode, $"'weight' must be greater than 0, got '{TextTemplates.Shorten(Text(weightNode, "'weight'"))}'");
            }
        }

        var headers = endpoint.Get("headers") is { } headersNode
            ? ParseHeaders(headersNode, "the endpoint 'headers'")
            : new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        string? body = null;
        if (endpoint.Get("body") is { } bodyNode)
        {
            body = Environment(bodyNode, Text(bodyNode, "'body'", "text (quote JSON bodies, e.g. body: '{\"id\": 1}')"), "'body'");
            CheckPlaceholders(bodyNode, body, "'body'");
        }

        IReadOnlyList<int> expectStatus = [];
        string? expectBodyContains = null;
        if (endpoint.Get("expect") is { } expectNode)
        {
            var expect = Mapping(expectNode, "'expect'", ExpectKeys, "'expect'", "a mapping such as { status: 200 }");
            if (expect.Get("status") is { } statusNode)
            {
                expectStatus = ParseStatuses(statusNode);
            }

            if (expect.Get("bodyContains") is { } containsNode)
            {
                expectBodyContains = Text(containsNode, "'bodyContains'");
                if (expectBodyContains.Length == 0)
                {
                    throw Error(containsNode, "'bodyContains' cannot be empty");
                }
            }
        }

        var queryAt = path.IndexOf('?', StringComparison.Ordinal);
        var definition = new EndpointDefinition
        {
            Name = explicitName ?? $"{method} {path}",
            Method = method,
            Path = path,
            Headers = headers,
            Body = body,
            Weight = weight,
            ExpectStatus = expectStatus,
            ExpectBodyContains = expectBodyContains,
        };

        return new EndpointDraft(
            definition,
            endpoint.Node,
            nameNode,
            $"{method} {(queryAt < 0 ? path : path[..queryAt])}",
            $"{method} {path}");
    }

    private List<int> ParseStatuses(YamlNode node)
    {
        var items = node is YamlSequenceNode sequence ? sequence.Children.ToList() : [node];
        if (items.Count == 0)
        {
            throw Error(node, "'status' must list at least one status code");
        }

        return items.Select(item => (int)Integer(item, "'status'", 100, 599)).ToList();
    }

    // ---------------------------------------------------------------- load

    private LoadProfile ParseLoad(YamlNode node)
    {
        var load = Mapping(node, "'load'", LoadKeys, "'load'", "a mapping such as { users: 10, duration: 30s }");

        var model = LoadModel.Closed;
        if (load.Get("model") is { } modelNode)
        {
            var text = Text(modelNode, "'model'", "'closed' or 'open'").Trim();
            model = text.ToLowerInvariant() switch
            {
                "closed" => LoadModel.Closed,
                "open" => LoadModel.Open,
                _ => throw Error(modelNode, $"'model' must be 'closed' or 'open', got '{TextTemplates.Shorten(text)}'"),
            };
        }

        if (model == LoadModel.Closed)
        {
            Forbid(load, "rate", "'rate' applies only to the open model (set 'model: open'); the closed model uses 'users'");
            Forbid(load, "maxInFlight", "'maxInFlight' applies only to the open model (set 'model: open')");
        }
        else
        {
            Forbid(load, "users", "'users' applies only to the closed model; the open model uses 'rate' (e.g. 200/s)");
            Forbid(load, "iterations", "'iterations' applies only to the closed model; the open model runs for 'duration' or 'stages'");
            Forbid(load, "thinkTime", "'thinkTime' applies only to the closed model");
        }

        var levelKey = model == LoadModel.Closed ? "users" : "rate";
        if (load.Has("stages") && load.Has(levelKey))
        {
            throw Error(load.KeyNode(levelKey)!, $"use either '{levelKey}' or 'stages', not both (stage targets set the {(model == LoadModel.Closed ? "users" : "rate")})");
        }

        if (model == LoadModel.Open && !load.Has("rate") && !load.Has("stages"))
        {
            throw Error(load.Node, "the open model needs 'rate' (e.g. 200/s) or 'stages'");
        }

        var lengths = RunLengthKeys.Where(load.Has).OrderBy(k => load.KeyNode(k)!.Start.Index).ToList();
        if (lengths.Count == 0)
        {
            throw Error(load.Node, "'load' needs 'duration', 'iterations' or 'stages' to know when to stop");
        }

        if (lengths.Count > 1)
        {
            throw Error(load.KeyNode(lengths[1])!, $"use only one of 'duration', 'iterations' and 'stages' (found '{lengths[0]}' and '{lengths[1]}')");
        }

        var users = load.Get("users") is { } usersNode ? (int)Integer(usersNode, "'users'", 1, int.MaxValue) : 1;
        var rate = load.Get("rate") is { } rateNode ? Rate(rateNode, "'rate'") : 0;
        var maxInFlight = load.Get("maxInFlight") is { } maxNode ? (int)Integer(maxNode, "'maxInFlight'", 1, int.MaxValue) : 1000;
        TimeSpan? duration = load.Get("duration") is { } durationNode ? Duration(durationNode, "'duration'", positive: true) : null;
        long? iterations = load.Get("iterations") is { } iterationsNode ? Integer(iterationsNode, "'iterations'", 1, long.MaxValue) : null;
        List<LoadStage> stages = load.Get("stages") is { } stagesNode ? ParseStages(stagesNode, model) : [];

        var thinkMin = TimeSpan.Zero;
        var thinkMax = TimeSpan.Zero;
        if (load.Get("thinkTime") is { } thinkNode)
        {
            (thinkMin, thinkMax) = ParseThinkTime(thinkNode);
        }

        var warmUpNode = load.Get("warmUp");
        var warmUp = warmUpNode is null ? TimeSpan.Zero : Duration(warmUpNode, "'warmUp'", positive: false);
        var profile = new LoadProfile
        {
            Model = model,
            Users = users,
            Rate = rate,
            MaxInFlight = maxInFlight,
            Duration = duration,
            Iterations = iterations,
            Stages = stages,
            ThinkTimeMin = thinkMin,
            ThinkTimeMax = thinkMax,
            WarmUp = warmUp,
        };

        // The keys above are checked where they stand; what is left is the one consistency check every
        // front end shares (ScenarioValidation), reported at the warm-up (its usual cause) or the 'load' mapping.
        if (ScenarioValidation.LoadProblem(profile) is { } problem)
        {
            throw Error(warmUpNode ?? load.Node, $"'load': {problem}");
        }

        return profile;
    }

    private List<LoadStage> ParseStages(YamlNode node, LoadModel model)
    {
        var sequence = Sequence(node, "'stages'", "a list of { duration, target } stages");
        if (sequence.Children.Count == 0)
        {
            throw Error(sequence, "'stages' must list at least one stage");
        }

        var stages = new List<LoadStage>();
        foreach (var item in sequence.Children)
        {
            var stage = Mapping(item, "the stage", StageKeys, "each stage", "a mapping such as { duration: 20s, target: 50 }");
            var duration = Duration(stage.Require("duration"), "the stage 'duration'", positive: false);
            var targetNode = stage.Require("target");
            double target;
            if (model == LoadModel.Closed)
            {
                target = Integer(targetNode, "the stage 'target' (users)", 0, int.MaxValue);
            }
            else
            {
                var text = Text(targetNode, "the stage 'target'", "a rate such as 200/s");
                if (!Rates.TryParseCore(text, allowZero: true, out target, out var problem))
                {
                    throw Error(targetNode, $"the stage 'target': {problem}");
                }
            }

            stages.Add(new LoadStage(duration, target));
        }

        if (stages.Sum(s => s.Duration.Ticks) <= 0)
        {
            throw Error(sequence, "the stages must last longer than 0s in total");
        }

        if (stages.All(s => s.Target <= 0))
        {
            throw Error(sequence, "at least one stage needs a 'target' greater than 0");
        }

        return stages;
    }

    private (TimeSpan Min, TimeSpan Max) ParseThinkTime(YamlNode node)
    {
        if (node is YamlScalarNode)
        {
            var fixedTime = Duration(node, "'thinkTime'", positive: false);
            return (fixedTime, fixedTime);
        }

        var think = Mapping(node, "'thinkTime'", ThinkTimeKeys, "'thinkTime'", "a duration or a mapping such as { min: 0.5s, max: 2s }");
        var min = Duration(think.Require("min"), "'min'", positive: false);
        var maxNode = think.Require("max");
        var max = Duration(maxNode, "'max'", positive: false);
        if (max < min)
        {
            throw Error(maxNode, $"'max' ({Show(max)}) must not be less than 'min' ({Show(min)})");
        }

        return (min, max);
    }

    private void Forbid(YamlMapping mapping, string key, string problem)
    {
        if (mapping.KeyNode(key) is { } keyNode)
        {
            throw Error(keyNode, problem);
        }
    }

    // ---------------------------------------------------------------- SLA

    /// <summary>
    /// Parse a stand-alone SLA file: either a mapping with a single <c>sla</c> key or a bare list of SLA entries.
    /// Endpoint patterns are not checked against endpoints here (the run is not known yet).
    /// </summary>
    public List<SlaTarget> ParseSlaDocument(YamlNode rootNode)
    {
        if (rootNode is YamlSequenceNode)
        {
            return ParseSla(rootNode, null);
        }

        var root = Mapping(rootNode, "the SLA file", ["sla"], "the SLA file", "a mapping with an 'sla' list, or a list of SLA entries");
        return ParseSla(root.Require("sla"), null);
    }

    private List<SlaTarget> ParseSla(YamlNode node, IReadOnlyList<EndpointDefinition>? endpoints)
    {
        var targets = new List<SlaTarget>();
        var names = endpoints?.Select(e => e.Name).ToList();
        foreach (var item in Sequence(node, "'sla'", "a list of SLA entries").Children)
        {
            var entry = Mapping(item, "the SLA entry", SlaKeys, "each SLA entry", "a mapping such as { endpoint: \"*\", p95: 300ms }");
            var endpointNode = entry.Require("endpoint");
            var pattern = Text(endpointNode, "'endpoint'", "an endpoint name or pattern such as \"*\"");
            if (pattern.Length == 0)
            {
                throw Error(endpointNode, "'endpoint' cannot be empty (use \"*\" for every endpoint)");
            }

            if (names is not null && !names.Any(n => Core.Text.Wildcard.IsMatch(pattern, n)))
            {
                throw Error(endpointNode, $"SLA endpoint '{TextTemplates.Shorten(pattern)}' matches no endpoint{Suggestions.DidYouMean(pattern, names)} (endpoints: {List(names)})");
            }

            double? Latency(string key) => entry.Get(key) is { } n ? Duration(n, $"'{key}'", positive: true, requireUnit: true).TotalMilliseconds : null;

            var target = new SlaTarget
            {
                Endpoint = pattern,
                P50Ms = Latency("p50"),
                P95Ms = Latency("p95"),
                P99Ms = Latency("p99"),
                MaxErrorRate = entry.Get("errorRate") is { } errorNode ? ErrorRate(errorNode) : null,
                MinThroughput = entry.Get("minThroughput") is { } throughputNode ? Rate(throughputNode, "'minThroughput'") : null,
            };

            if (target is { P50Ms: null, P95Ms: null, P99Ms: null, MaxErrorRate: null, MinThroughput: null })
            {
                throw Error(entry.Node, $"the SLA entry for '{TextTemplates.Shorten(pattern)}' sets no target; add p50, p95, p99, errorRate or minThroughput");
            }

            targets.Add(target);
        }

        return targets;
    }

    private double ErrorRate(YamlNode node)
    {
        var text = Text(node, "'errorRate'", "a percentage such as 1% or a fraction such as 0.01").Trim();
        var percent = text.EndsWith('%');
        var numberText = percent ? text[..^1].TrimEnd() : text;
        if (!NumberText.TryParseWhole(numberText, out var number) || number == decimal.MaxValue)
        {
            throw Error(node, $"'errorRate' must be a percentage such as 1% or a fraction such as 0.01, got '{TextTemplates.Shorten(text)}'");
        }

        var fraction = (double)number / (percent ? 100 : 1);
        if (fraction > 1)
        {
            throw Error(node, percent
                ? $"'errorRate' cannot exceed 100%, got '{text}'"
                : $"'errorRate' {text} is above 1; write a fraction (0.05) or a percentage ({text}%)");
        }

        return fraction;
    }

    // ---------------------------------------------------------------- values

    private YamlMapping Mapping(YamlNode node, string context, string[] keys, string label, string expected)
        => node is YamlMappingNode mapping
            ? new YamlMapping(_source, mapping, context, keys)
            : throw Error(node, $"{label} must be {expected}, got {Describe(node)}");

    private YamlSequenceNode Sequence(YamlNode node, string label, string expected)
        => node as YamlSequenceNode ?? throw Error(node, $"{label} must be {expected}, got {Describe(node)}");

    private string Text(YamlNode node, string label, string expected = "text")
        => node is YamlScalarNode scalar && !IsNull(scalar)
            ? scalar.Value ?? string.Empty
            : throw Error(node, $"{label} must be {expected}, got {Describe(node)}");

    private TimeSpan Duration(YamlNode node, string label, bool positive, bool requireUnit = false)
    {
        var text = Text(node, label, "a duration such as 30s");
        if (!Durations.TryParseCore(text, out var value, out var problem))
        {
            throw Error(node, $"{label}: {problem}");
        }

        if (requireUnit && NumberText.TryParseWhole(text.Trim(), out _))
        {
            throw Error(node, $"{label} needs a unit, e.g. {text.Trim()}ms");
        }

        if (positive && value <= TimeSpan.Zero)
        {
            throw Error(node, $"{label} must be greater than 0");
        }

        return value;
    }

    private double Rate(YamlNode node, string label)
    {
        var text = Text(node, label, "a rate such as 200/s");
        return Rates.TryParseCore(text, allowZero: false, out var value, out var problem)
            ? value
            : throw Error(node, $"{label}: {problem}");
    }

    private long Integer(YamlNode node, string label, long min, long max)
    {
        var text = Text(node, label, "a whole number").Trim();
        var digits = text.StartsWith('-') ? text[1..] : text;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
        {
            throw Error(node, $"{label} must be a whole number, got {Describe(node)}");
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            var range = max == long.MaxValue || max == int.MaxValue ? $"at least {min}" : $"between {min} and {max}";
            throw Error(node, min == long.MinValue ? $"{label} is out of range, got {Describe(node)}" : $"{label} must be {range}, got {Describe(node)}");
        }

        return value;
    }

    private double Number(YamlNode node, string label)
    {
        var text = Text(node, label, "a number").Trim();
        var negative = text.StartsWith('-');
        if (!NumberText.TryParseWhole(negative ? text[1..] : text, out var number) || number == decimal.MaxValue)
        {
            throw Error(node, $"{label} must be a number, got {Describe(node)}");
        }

        return negative ? -(double)number : (double)number;
    }

    private string Environment(YamlNode node, string text, string label)
    {
        if (!TextTemplates.TryExpandEnvironment(text, _environment, out var result, out var problem))
        {
            throw Error(node, $"{label}: {problem}");
        }

        if (!string.Equals(result, text, StringComparison.Ordinal))
        {
            // What is written keeps ${NAME}, never the value (ScenarioRedaction.ForOutput).
            _templates[result] = text;
        }

        return result;
    }

    private void CheckPlaceholders(YamlNode node, string text, string label)
    {
        foreach (var (placeholder, name) in TextTemplates.Placeholders(text))
        {
            if (_feederNames.Contains(name))
            {
                continue;
            }

            var known = _feederNames.Count == 0
                ? " (no feeders are defined; add one under 'feeders')"
                : $"{Suggestions.DidYouMean(name, _feederNames)} (feeders: {List(_feederNames)})";
            throw Error(node, $"unknown placeholder '{TextTemplates.Shorten(placeholder)}' in {label}: no feeder is named '{TextTemplates.Shorten(name)}'{known}");
        }
    }

    private InputFormatException Error(YamlNode node, string problem) => YamlErrors.At(_source, node, problem);

    private static bool IsNull(YamlScalarNode scalar)
        => scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode scalar when IsNull(scalar) => "an empty value",
        YamlScalarNode scalar => $"'{TextTemplates.Shorten(scalar.Value ?? string.Empty)}'",
        _ => "an unsupported node",
    };

    /// <summary>RFC 9110 token: HTTP method and header-name characters.</summary>
    private static bool IsToken(string text)
        => text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal));

    private static int IndexOf(IReadOnlyList<string> items, string item)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (string.Equals(items[i], item, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static string List(IReadOnlyList<string> items)
        => items.Count <= 10 ? string.Join(", ", items) : string.Join(", ", items.Take(10)) + $", ... ({items.Count} in all)";

    private static string Show(TimeSpan value)
        => value.TotalSeconds >= 1 ? $"{value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s" : $"{value.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)}ms";

    private sealed record EndpointDraft(EndpointDefinition Endpoint, YamlMappingNode Mapping, YamlNode? NameNode, string ShortName, string FullName);
}
