/* Metodbanken: "Lämna in ett projekt" (lamna-in/).
 *
 * Builds projekt/<slug>.md in the browser from the form, shows it live, and
 * lets the user download it or open it in GitHub's "create new file" page.
 * Nothing is sent anywhere.
 *
 * Validation has two parts:
 *  1. The JSON Schema the site publishes (schema/projekt.schema.json, made
 *     from the same pydantic model as the checker): a small generic validator
 *     below applies its required, type, minLength, maxLength, minimum,
 *     maximum, enum, pattern, minItems, items and $ref/anyOf rules.
 *     No field rule is written by hand here.
 *  2. The contract's rules that a JSON Schema cannot express (the checker's
 *     checks/rules.py and checks/identity.py): see CONTRACT RULES below. Keep that
 *     block in step with those files. Their data still come from the schema:
 *     which statuses make a field required ("x-krävs-vid-status"), the length
 *     limits and the range of years they name.
 * The page carries the rest: the grades' labels and which grade shows a part
 * (data-visa-grad), the statuses that show a field (data-visa-status) and the
 * file name's longest length (data-max-tecken). No grade label, status or
 * length limit is written here.
 * Repeatable parts (finansiering, implementerad_hos, beslut) are rows: the
 * first has the plain ids (f-impl-organisation), each added row is a copy of
 * the page's <template id="mall-…"> with "__N__" replaced by its number
 * (f-impl-organisation-2). Lists of names are separated by commas, as in
 * `metodbank ny`; lärdomar are one per line.
 * Plain JavaScript, no framework; works from any static host.
 */
(function () {
  "use strict";

  var form = document.getElementById("mb-formular");
  if (!form) return;
  form.hidden = false;

  var existing = JSON.parse(document.getElementById("mb-befintliga").textContent);
  var repo = (form.getAttribute("data-repo") || "").replace(/\/+$/, "");
  var schema = null;
  var touched = {};
  var showAll = false;
  var slugEdited = false;
  var DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;

  function $(id) { return document.getElementById(id); }
  function field(id) { return $("f-" + id); }
  function text(id) {
    var el = field(id);
    return el ? el.value.replace(/\r\n?/g, "\n").trim() : "";
  }
  function visible(el) { return !!el && !el.closest("[hidden]"); }
  function checkedValues(name) {
    return Array.prototype.map.call(
      form.querySelectorAll('input[name="' + name + '"]:checked'), function (box) { return box.value; });
  }
  function integer(id) {
    var value = text(id).replace(/^\u2212/, "-"); // a typographic minus, as in "−200000"
    if (value === "") return undefined;
    return /^-?\d+$/.test(value) ? parseInt(value, 10) : value; // text fails the schema's "integer"
  }
  function decimal(id) {
    var value = text(id).replace(/^\u2212/, "-");
    if (value === "") return undefined;
    return /^-?\d+(\.\d+)?$/.test(value) ? parseFloat(value) : value; // "0,04" fails the schema's "number"
  }
  function list(id) { // the one list separator, as in `metodbank ny`
    return text(id).split(",").map(function (s) { return s.trim(); }).filter(Boolean);
  }
  function rows(name) { // [{suffix: "", …}, {suffix: "-2"}, …] for the rows of a repeatable part
    return Array.prototype.map.call(form.querySelectorAll('.mb-rad[data-rad="' + name + '"]'), function (row) {
      var first = row.querySelector("[id^='f-']");
      return { row: row, suffix: first.id.replace(/^f-[a-z]+-[a-z]+/, "") };
    });
  }
  function today() {
    var d = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate());
  }

  // ------------------------------------------------------------------
  // The form as front-matter data, in the contract's field order.
  // `fields` maps each data path ("period.slut", "lärdomar.2") to the
  // element whose error message shows it.

  function collect() {
    var data = {};
    var fields = {};
    function put(obj, key, value, path, el) {
      if (el) fields[path] = el;
      if (value === undefined || value === "" ) return;
      obj[key] = value;
    }
    fields.slug = field("slug");
    put(data, "titel", text("titel"), "titel", field("titel"));
    var forbund = field("forbund").tagName === "SELECT" ? [text("forbund")].filter(Boolean) : list("forbund");
    put(data, "förbund", forbund.length > 1 ? forbund : forbund[0], "förbund", field("forbund"));
    var kommuner = list("kommuner");
    put(data, "kommuner", kommuner.length ? kommuner : undefined, "kommuner", field("kommuner"));
    put(data, "status", text("status"), "status", field("status"));
    var period = {};
    put(period, "start", text("period-start"), "period.start", field("period-start"));
    put(period, "slut", text("period-slut"), "period.slut", field("period-slut"));
    data.period = period;
    fields.period = field("period-start");
    data["uppdaterad"] = today();
    data.parter = checkedValues("parter");
    fields.parter = field("parter");
    data["målgrupp"] = checkedValues("malgrupp");
    fields["målgrupp"] = field("malgrupp");
    data.metoder = checkedValues("metoder");
    fields.metoder = field("metoder");
    put(data, "budget_kr", integer("budget_kr"), "budget_kr", field("budget_kr"));
    var finansiering = [];
    rows("fin").forEach(function (r) {
      var kalla = "fin-kalla" + r.suffix, kr = "fin-kr" + r.suffix;
      if (!text(kalla) && !text(kr)) return;
      var base = "finansiering." + finansiering.length, item = {};
      put(item, "källa", text(kalla), base + ".källa", field(kalla));
      put(item, "kr", integer(kr), base + ".kr", field(kr));
      fields[base] = field(kalla);
      finansiering.push(item);
    });
    fields.finansiering = field("fin-kalla");
    if (finansiering.length) data.finansiering = finansiering;

    var resultat = {};
    put(resultat, "sammanfattning", text("resultat-sammanfattning"), "resultat.sammanfattning", field("resultat-sammanfattning"));
    put(resultat, "mättidpunkt", text("resultat-mattidpunkt"), "resultat.mättidpunkt", field("resultat-mattidpunkt"));
    put(resultat, "deltagare", integer("resultat-deltagare"), "resultat.deltagare", field("resultat-deltagare"));
    put(resultat, "till_arbete", integer("resultat-till_arbete"), "resultat.till_arbete", field("resultat-till_arbete"));
    put(resultat, "till_studier", integer("resultat-till_studier"), "resultat.till_studier", field("resultat-till_studier"));
    var utfall = {}, utfallFilled = false;
    form.querySelectorAll("[data-utfall]").forEach(function (input) {
      var key = input.getAttribute("data-utfall");
      var value = integer(input.id.slice(2));
      fields["resultat.socioekonomi.utfall_kr." + key] = input;
      if (value !== undefined) { utfall[key] = value; utfallFilled = true; }
    });
    if (text("sek-typ") || text("sek-kalkylperiod") || text("sek-ranta") || text("sek-insatskostnad") || utfallFilled) {
      var sek = {};
      put(sek, "typ", text("sek-typ"), "resultat.socioekonomi.typ", field("sek-typ"));
      put(sek, "kalkylperiod_år", integer("sek-kalkylperiod"), "resultat.socioekonomi.kalkylperiod_år", field("sek-kalkylperiod"));
      put(sek, "diskonteringsränta", decimal("sek-ranta"), "resultat.socioekonomi.diskonteringsränta", field("sek-ranta"));
      put(sek, "insatskostnad_kr", integer("sek-insatskostnad"), "resultat.socioekonomi.insatskostnad_kr", field("sek-insatskostnad"));
      sek.utfall_kr = utfall;
      fields["resultat.socioekonomi.utfall_kr"] = field("sek-utfall");
      fields["resultat.socioekonomi"] = field("sek-typ");
      resultat.socioekonomi = sek;
    }
    fields.resultat = field("resultat-sammanfattning");
    if (Object.keys(resultat).length) data.resultat = resultat;

    var framgang = {};
    var grad = form.querySelector('input[name="framgang-grad"]:checked');
    put(framgang, "grad", grad ? parseInt(grad.value, 10) : undefined, "framgång.grad", field("framgang-grad"));
    put(framgang, "motivering", text("framgang-motivering"), "framgång.motivering", field("framgang-motivering"));
    put(framgang, "bedömd", text("framgang-bedomd"), "framgång.bedömd", field("framgang-bedomd"));
    put(framgang, "bedömd_av", text("framgang-bedomd_av"), "framgång.bedömd_av", field("framgang-bedomd_av"));
    fields["framgång"] = field("framgang-motivering");
    var implementations = [];
    if (visible(field("impl-organisation"))) rows("impl").forEach(function (r) {
      var s = r.suffix;
      if (!(text("impl-organisation" + s) || text("impl-ar" + s) || text("impl-beskrivning" + s))) return;
      var base = "framgång.implementerad_hos." + implementations.length, impl = {};
      fields[base] = field("impl-organisation" + s);
      put(impl, "organisation", text("impl-organisation" + s), base + ".organisation", field("impl-organisation" + s));
      put(impl, "metod", text("impl-metod" + s), base + ".metod", field("impl-metod" + s));
      put(impl, "år", integer("impl-ar" + s), base + ".år", field("impl-ar" + s));
      put(impl, "beskrivning", text("impl-beskrivning" + s), base + ".beskrivning", field("impl-beskrivning" + s));
      implementations.push(impl);
    });
    if (implementations.length) framgang["implementerad_hos"] = implementations;
    fields["framgång.implementerad_hos"] = field("impl-organisation");
    var decisions = [];
    if (visible(field("beslut-beslut"))) rows("beslut").forEach(function (r) {
      var s = r.suffix, sf = checkedValues("beslut-systemfel" + s);
      if (!(text("beslut-beslut" + s) || text("beslut-beslutsfattare" + s) || text("beslut-ar" + s) || text("beslut-lank" + s) || sf.length)) return;
      var base = "framgång.beslut." + decisions.length, beslut = {};
      fields[base] = field("beslut-beslut" + s);
      put(beslut, "beslut", text("beslut-beslut" + s), base + ".beslut", field("beslut-beslut" + s));
      put(beslut, "beslutsfattare", text("beslut-beslutsfattare" + s), base + ".beslutsfattare", field("beslut-beslutsfattare" + s));
      put(beslut, "år", integer("beslut-ar" + s), base + ".år", field("beslut-ar" + s));
      put(beslut, "systemfel", sf.length ? sf : undefined, base + ".systemfel", field("beslut-systemfel" + s));
      put(beslut, "länk", text("beslut-lank" + s), base + ".länk", field("beslut-lank" + s));
      decisions.push(beslut);
    });
    if (decisions.length) framgang.beslut = decisions;
    fields["framgång.beslut"] = field("beslut-beslut");
    data["framgång"] = framgang;

    var observationer = checkedValues("systemfel").map(function (slug, index) {
      var obs = { id: slug };
      var base = "systemfel." + index;
      fields[base] = field("sf-" + slug + "-observation");
      put(obs, "observation", text("sf-" + slug + "-observation"), base + ".observation", field("sf-" + slug + "-observation"));
      put(obs, "underlag", text("sf-" + slug + "-underlag"), base + ".underlag", field("sf-" + slug + "-underlag"));
      put(obs, "antal_berörda", integer("sf-" + slug + "-antal"), base + ".antal_berörda", field("sf-" + slug + "-antal"));
      return obs;
    });
    fields.systemfel = field("systemfel");
    if (observationer.length) data.systemfel = observationer;

    var lardomar = text("lardomar").split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
    fields["lärdomar"] = field("lardomar");
    if (lardomar.length) data["lärdomar"] = lardomar;
    if (visible(field("avbrottsorsak"))) put(data, "avbrottsorsak", text("avbrottsorsak"), "avbrottsorsak", field("avbrottsorsak"));
    fields.avbrottsorsak = field("avbrottsorsak");
    if (text("utv-titel") || text("utv-lank")) {
      var utv = {};
      put(utv, "titel", text("utv-titel"), "utvärdering.0.titel", field("utv-titel"));
      put(utv, "länk", text("utv-lank"), "utvärdering.0.länk", field("utv-lank"));
      data["utvärdering"] = [utv];
    }
    put(data, "kontakt", text("kontakt"), "kontakt", field("kontakt"));
    fields.text = field("text");
    return { data: data, fields: fields, slug: text("slug"), body: field("text").value.replace(/\r\n?/g, "\n") };
  }

  // ------------------------------------------------------------------
  // The Markdown file: YAML front-matter and the body. Every string is a
  // JSON string, which is a valid YAML double-quoted scalar.

  function quote(value) {
    return JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g, function (c) {
      return "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4);
    });
  }
  function scalar(value) {
    if (typeof value === "number") return String(value);
    if (typeof value === "string" && DATE.test(value)) return value;
    return quote(String(value));
  }
  function isPlainKey(value) { return typeof value === "string" && /^[a-z0-9][a-z0-9-]*$/.test(value); }
  function emit(obj, indent, lines) {
    Object.keys(obj).forEach(function (key) {
      var value = obj[key];
      if (Array.isArray(value)) {
        if (!value.length) {
          lines.push(indent + key + ": []");
        } else if (value.every(isPlainKey)) {
          lines.push(indent + key + ": [" + value.join(", ") + "]");
        } else {
          lines.push(indent + key + ":");
          value.forEach(function (item) {
            if (item !== null && typeof item === "object") {
              var sub = [];
              emit(item, indent + "    ", sub);
              sub[0] = indent + "  - " + sub[0].slice(indent.length + 4);
              Array.prototype.push.apply(lines, sub);
            } else {
              lines.push(indent + "  - " + scalar(item));
            }
          });
        }
      } else if (value !== null && typeof value === "object") {
        lines.push(indent + key + ":");
        emit(value, indent + "  ", lines);
      } else {
        lines.push(indent + key + ": " + scalar(value));
      }
    });
    return lines;
  }
  function markdownFile(state) {
    var lines = ["---", "# yaml-language-server: $schema=../schema/projekt.schema.json"];
    emit(state.data, "", lines);
    lines.push("---");
    var body = state.body.replace(/\s+$/, "");
    return lines.join("\n") + "\n" + (body ? body + "\n" : "");
  }

  // ------------------------------------------------------------------
  // 1. JSON Schema validation (generic: nothing here names a field).

  function resolve(node) {
    var guard = 0;
    while (node && node.$ref && guard++ < 20) {
      node = node.$ref.replace(/^#\//, "").split("/").reduce(function (at, part) {
        return at && at[part.replace(/~1/g, "/").replace(/~0/g, "~")];
      }, schema);
    }
    return node || {};
  }
  function typeOf(value) {
    if (value === null) return "null";
    if (Array.isArray(value)) return "array";
    if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
    return typeof value; // string, boolean, object
  }
  function typeMatches(value, type) {
    var actual = typeOf(value);
    return actual === type || (type === "number" && actual === "integer");
  }
  function validateNode(value, node, path, errors) {
    node = resolve(node);
    if (node.anyOf) {
      var options = node.anyOf.map(resolve);
      var best = null;
      for (var i = 0; i < options.length; i++) {
        var found = [];
        validateNode(value, options[i], path, found);
        if (!found.length) return;
        var fits = !options[i].type || typeMatches(value, options[i].type);
        if (best === null || (fits && !best.fits)) best = { errors: found, fits: fits };
      }
      Array.prototype.push.apply(errors, best.errors);
      return;
    }
    if (node.type && !typeMatches(value, node.type)) {
      errors.push({ path: path, rule: "type", node: node, value: value });
      return;
    }
    if (node.enum && node.enum.indexOf(value) < 0) {
      errors.push({ path: path, rule: "enum", node: node, value: value });
    }
    if (typeof value === "string") {
      var length = Array.from(value).length; // code points, as the checker counts
      if (node.minLength !== undefined && length < node.minLength) errors.push({ path: path, rule: "minLength", node: node, value: value });
      if (node.maxLength !== undefined && length > node.maxLength) errors.push({ path: path, rule: "maxLength", node: node, value: value });
      if (node.pattern !== undefined && !new RegExp(node.pattern, "u").test(value)) errors.push({ path: path, rule: "pattern", node: node, value: value });
    }
    if (typeof value === "number") {
      if (node.minimum !== undefined && value < node.minimum) errors.push({ path: path, rule: "minimum", node: node, value: value });
      if (node.maximum !== undefined && value > node.maximum) errors.push({ path: path, rule: "maximum", node: node, value: value });
      if (node.exclusiveMinimum !== undefined && value <= node.exclusiveMinimum) errors.push({ path: path, rule: "minimum", node: { minimum: node.exclusiveMinimum + 1 }, value: value });
      if (node.exclusiveMaximum !== undefined && value >= node.exclusiveMaximum) errors.push({ path: path, rule: "maximum", node: { maximum: node.exclusiveMaximum - 1 }, value: value });
    }
    if (Array.isArray(value)) {
      if (node.minItems !== undefined && value.length < node.minItems) errors.push({ path: path, rule: "minItems", node: node, value: value });
      if (node.maxItems !== undefined && value.length > node.maxItems) errors.push({ path: path, rule: "maxItems", node: node, value: value });
      if (node.items) value.forEach(function (item, index) { validateNode(item, node.items, join(path, index), errors); });
    }
    if (typeOf(value) === "object") {
      (node.required || []).forEach(function (key) {
        if (!(key in value)) errors.push({ path: join(path, key), rule: "required", node: node, value: undefined });
      });
      var props = node.properties || {};
      Object.keys(value).forEach(function (key) {
        if (props[key]) validateNode(value[key], props[key], join(path, key), errors);
        else if (node.additionalProperties === false) errors.push({ path: join(path, key), rule: "additional", node: node, value: value[key] });
      });
    }
  }
  function join(path, key) { return path === "" ? String(key) : path + "." + key; }

  function schemaMessage(error, el) {
    var node = error.node;
    var group = el && (el.tagName === "FIELDSET" || el.tagName === "DIV");
    switch (error.rule) {
      case "required": return group ? "Välj minst ett alternativ." : "Fyll i fältet.";
      case "type":
        if (node.type === "number") {
          var point = String(error.value).replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
          return /^-?\d+(\.\d+)?$/.test(point)
            ? "Skriv talet med punkt som decimaltecken: " + point + "."
            : "Skriv ett tal med punkt som decimaltecken, t.ex. 0.04.";
        }
        if (node.type === "integer") {
          var compact = String(error.value).replace(/[\s\u00a0\u202f]/g, "");
          return /^-?\d+$/.test(compact)
            ? "Skriv talet utan mellanslag: " + compact + "."
            : "Skriv ett heltal med bara siffror, t.ex. 4500000.";
        }
        return "Fel sorts värde.";
      case "enum": return "Välj ett av: " + node.enum.join(", ") + ".";
      case "minLength": return "För kort: minst " + node.minLength + " tecken (nu " + Array.from(error.value).length + ").";
      case "maxLength": return "För långt: högst " + node.maxLength + " tecken (nu " + Array.from(error.value).length + ").";
      case "pattern": return (el && el.getAttribute("data-formatfel")) || "Fel format.";
      case "minimum": return "Talet ska vara minst " + node.minimum + ".";
      case "maximum": return "Talet får vara högst " + node.maximum + ".";
      case "minItems": return group ? "Välj minst " + (node.minItems === 1 ? "ett alternativ" : node.minItems + " alternativ") + "." : "Skriv minst " + node.minItems + " rad.";
      case "maxItems": return "För många: högst " + node.maxItems + ".";
      default: return "Fältet finns inte i innehållsmodellen.";
    }
  }

  // ------------------------------------------------------------------
  // 2. CONTRACT RULES the JSON Schema cannot express. They mirror the
  //    checker (checks/rules.py, checks/identity.py, datum.py) and must be kept
  //    in step with it; the checker stays the final word.

  // The schema's facts the rules below use.
  function optionOf(node, type) {
    node = resolve(node);
    return (node.anyOf || [node]).map(resolve).filter(function (option) { return option.type === type; })[0] || {};
  }
  function requiredNow(node, status) { // the statuses that make a field required
    return (resolve(node)["x-krävs-vid-status"] || []).indexOf(status) >= 0;
  }
  function lengths(node) { // "20–1000 tecken"
    var text = optionOf(node, "string");
    return text.minLength + "–" + text.maxLength + " tecken";
  }
  function parseDate(value) {
    var m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value || "");
    if (!m) return null;
    var y = +m[1], mo = m[2] ? +m[2] : null, d = m[3] ? +m[3] : null;
    var years = optionOf(resolve(schema.properties.period).properties.start, "integer");
    if (y < years.minimum || y > years.maximum) return { error: "Årtalet " + y + " är orimligt." };
    if (mo !== null && (mo < 1 || mo > 12)) return { error: "Månaden ska vara 01–12." };
    if (d !== null && (d < 1 || d > new Date(y, mo, 0).getDate())) return { error: "Dagen finns inte i den månaden." };
    var first = new Date(y, (mo || 1) - 1, d || 1);
    var last = d ? first : mo ? new Date(y, mo, 0) : new Date(y, 11, 31);
    return { first: first, last: last, year: y };
  }
  var PNR = /(?<![\d-])(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{3})(\d)(?!\d)/g;
  function luhn(digits) {
    var sum = 0;
    for (var i = 0; i < digits.length; i++) {
      var v = +digits[i] * (i % 2 === 0 ? 2 : 1);
      sum += v > 9 ? v - 9 : v;
    }
    return sum % 10 === 0;
  }
  function hasIdentityNumber(value) {
    PNR.lastIndex = 0;
    var m;
    while ((m = PNR.exec(value))) {
      var month = +m[3], day = +m[4];
      if (day >= 61 && day <= 91) day -= 60;
      if (month < 1 || month > 12 || day < 1 || day > 31) continue;
      if (luhn(m[2] + m[3] + m[4] + m[6] + m[7])) return true;
    }
    return false;
  }
  var UNSAFE = [
    /<\s*(script|iframe|object|embed)\b/i,
    /<[a-zA-Z][^>]*\s(on[a-zA-Z]+\s*=)/i,
    /javascript(?::|&colon;|&#0*58;?|&#x0*3a;?)/i,
  ];

  function contractRules(state, add) {
    var data = state.data, status = data.status, fr = data["framgång"] || {};
    var props = schema.properties;
    // The file name (slug): the schema's pattern for file references, and unique in projekt/.
    var slugPattern = resolve(resolve(schema.properties.metoder).items).pattern;
    if (!state.slug) add("slug", "Fyll i fältet.");
    else if (slugPattern && !new RegExp(slugPattern, "u").test(state.slug)) add("slug", field("slug").getAttribute("data-formatfel"));
    else if (existing.projekt.indexOf(state.slug) >= 0) add("slug", "Det finns redan ett projekt med filnamnet " + state.slug + ".md. Välj ett annat namn.");
    // Dates are real calendar dates; slut is required when finished and not before start.
    var start = null, slut = null;
    [["period.start", data.period.start], ["period.slut", data.period.slut], ["framgång.bedömd", fr["bedömd"]]].forEach(function (pair) {
      var parsed = pair[1] && parseDate(pair[1]);
      if (parsed && parsed.error) add(pair[0], parsed.error);
      else if (parsed && pair[0] === "period.start") start = parsed;
      else if (parsed && pair[0] === "period.slut") slut = parsed;
    });
    if (requiredNow(resolve(props.period).properties.slut, status) && !data.period.slut)
      add("period.slut", "Slutdatum krävs när projektet är " + status + ".");
    if (start && slut && slut.last < start.first) add("period.slut", "Slutdatum ligger före startdatum.");
    // Results: required once a project has started; work + studies ≤ participants.
    var res = data.resultat;
    if (requiredNow(props.resultat, status) && !res) add("resultat.sammanfattning", "Resultat krävs när projektet har startat: vad hände med deltagarna?");
    if (res && typeof res.deltagare === "number") {
      var sum = (typeof res.till_arbete === "number" ? res.till_arbete : 0) + (typeof res.till_studier === "number" ? res.till_studier : 0);
      if (sum > res.deltagare) add(typeof res.till_studier === "number" ? "resultat.till_studier" : "resultat.till_arbete",
        "Arbete och studier (" + sum + ") är fler än deltagarna (" + res.deltagare + ").");
    }
    // Each degree needs its evidence.
    if (fr.grad === 1 && !res) add("resultat.sammanfattning", "Grad 1 kräver resultat: vad hände med deltagarna?");
    if (fr.grad === 2 && !(fr.implementerad_hos || []).length) add("framgång.implementerad_hos", "Grad 2 kräver att du anger var metoden används efter projektet.");
    if (fr.grad === 3 && !(fr.beslut || []).length) add("framgång.beslut", "Grad 3 kräver ett systemförändrande beslut.");
    if (fr.grad === 3 && !(data.systemfel || []).length) add("systemfel", "Grad 3 kräver minst ett systemfel som projektet har sett.");
    ["implementerad_hos", "beslut"].forEach(function (key) {
      (fr[key] || []).forEach(function (item, index) {
        if (start && typeof item["år"] === "number" && item["år"] < start.year)
          add("framgång." + key + "." + index + ".år", "Året ligger före projektets start (" + data.period.start + ").");
      });
    });
    // Each implementation is of one of the project's own metoder: required
    // when it has several, implied when it has one (checks/rules.py).
    var own = (data.metoder || []).filter(function (m, i, all) { return all.indexOf(m) === i; });
    (fr.implementerad_hos || []).forEach(function (item, index) {
      var path = "framgång.implementerad_hos." + index + ".metod";
      if (!item.metod && own.length > 1) add(path, "Projektet har flera metoder: välj vilken av dem som används här.");
      else if (item.metod && own.length && own.indexOf(item.metod) < 0) add(path, "Välj en av metoderna som du kryssat i under Metoder.");
    });
    // Finished projects share their lessons; stopped ones say why.
    if (requiredNow(props["lärdomar"], status) && !(data["lärdomar"] || []).length)
      add("lärdomar", "Skriv minst en lärdom när projektet är " + status + ".");
    if (requiredNow(props.avbrottsorsak, status) && !data.avbrottsorsak)
      add("avbrottsorsak", "Berätta varför projektet avbröts (" + lengths(props.avbrottsorsak) + ").");
    // No personal data anywhere; no active content in the text.
    Object.keys(state.fields).forEach(function (path) {
      var el = state.fields[path];
      if (el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA") && el.type !== "checkbox" && hasIdentityNumber(el.value))
        add(path, "Här står ett personnummer eller samordningsnummer. Banken får aldrig innehålla deltagares personuppgifter – ta bort det.");
    });
    if (UNSAFE.some(function (re) { return re.test(state.body); }))
      add("text", "Texten får inte innehålla <script>, <iframe>, <object>, <embed>, on…=-attribut eller javascript:-länkar.");
  }

  // ------------------------------------------------------------------
  // Errors beside their fields.

  function elementFor(fields, path) {
    var parts = path.split(".");
    while (parts.length) {
      var key = parts.join(".");
      if (fields[key]) return fields[key];
      parts.pop();
    }
    return field("titel");
  }
  function validate(state) {
    var byElement = new Map();
    function add(path, message, el) {
      el = el || elementFor(state.fields, path);
      var list = byElement.get(el) || [];
      var row = /^lärdomar\.(\d+)$/.exec(path);
      if (row) message = "Rad " + (+row[1] + 1) + ": " + message;
      if (list.indexOf(message) < 0) list.push(message);
      byElement.set(el, list);
    }
    if (schema) {
      var found = [];
      validateNode(state.data, schema, "", found);
      found.forEach(function (error) {
        // A date that has the right shape but does not exist (2024-13, 2016-02-30)
        // fails the schema's pattern; the contract rules below say why.
        if (error.rule === "pattern" && typeof error.value === "string" && DATE.test(error.value)) return;
        var el = elementFor(state.fields, error.path);
        add(error.path, schemaMessage(error, el), el);
      });
      contractRules(state, add);
    }
    return byElement;
  }
  function targets(el) {
    if (el.tagName === "FIELDSET" || el.tagName === "DIV")
      return Array.prototype.filter.call(el.querySelectorAll('input[type="checkbox"], input[type="radio"]'), function (box) {
        return !box.closest(".mb-observation");
      });
    return [el];
  }
  function describedBy(target, id, on) {
    var ids = (target.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (x) { return x && x !== id; });
    if (on) ids.push(id);
    if (ids.length) target.setAttribute("aria-describedby", ids.join(" "));
    else target.removeAttribute("aria-describedby");
  }
  function show(byElement) {
    form.querySelectorAll(".mb-felmeddelande[id^='fel-f-']").forEach(function (p) {
      var el = $(p.id.slice(4));
      var messages = el && byElement.get(el);
      var shown = Boolean(messages && (showAll || touched[el.id]) && visible(el));
      p.hidden = !shown;
      p.textContent = shown ? messages.join(" ") : "";
      if (!el) return;
      targets(el).forEach(function (target) {
        if (shown) target.setAttribute("aria-invalid", "true");
        else target.removeAttribute("aria-invalid");
        describedBy(target, p.id, shown);
      });
      el.classList.toggle("mb-ogiltig", shown);
    });
  }

  // ------------------------------------------------------------------
  // Live updates.

  function slugify(value) {
    var folded = value.toLowerCase().replace(/[åä]/g, "a").replace(/ö/g, "o").normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
    var longest = +field("slug").getAttribute("data-max-tecken");
    return folded.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, longest).replace(/-+$/, "");
  }
  function toggleParts() {
    var grad = form.querySelector('input[name="framgang-grad"]:checked');
    var g = grad ? +grad.value : 0;
    form.querySelectorAll("[data-visa-grad]").forEach(function (group) {
      group.hidden = g < +group.getAttribute("data-visa-grad");
    });
    var status = field("status").value;
    form.querySelectorAll("[data-visa-status]").forEach(function (part) {
      part.hidden = JSON.parse(part.getAttribute("data-visa-status")).indexOf(status) < 0;
    });
    form.querySelectorAll('input[name="systemfel"]').forEach(function (box) {
      $("obs-" + box.value).hidden = !box.checked;
    });
  }

  var current = null;
  function update() {
    if (!slugEdited) field("slug").value = slugify(field("titel").value);
    toggleParts();
    var state = collect();
    var content = markdownFile(state);
    var errors = validate(state);
    show(errors);
    current = { state: state, content: content, errors: errors };
    $("mb-forhandsvisning").textContent = content;
    var link = $("mb-github");
    if (link) link.href = githubUrl(state.slug, content);
    var summary = $("mb-sammanfattning");
    if (showAll && errors.size) {
      summary.hidden = false;
      summary.textContent = "Filen har " + errors.size + (errors.size === 1 ? " fält" : " fält") + " att rätta – se markeringarna vid fälten.";
    } else {
      summary.hidden = true;
      summary.textContent = "";
    }
    return current;
  }
  function githubUrl(slug, content) {
    return repo + "/new/main/projekt?filename=" + encodeURIComponent((slug || "nytt-projekt") + ".md") +
      "&value=" + encodeURIComponent(content);
  }
  function readyOrExplain() {
    showAll = true;
    var now = update();
    if (!now.errors.size) return now;
    var first = Array.from(now.errors.keys()).filter(visible).sort(function (a, b) {
      return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    })[0];
    if (first) (targets(first)[0] || first).focus();
    return null;
  }

  form.addEventListener("input", function (event) {
    if (event.target.id === "f-slug") slugEdited = event.target.value.trim() !== "";
    update();
  });
  form.addEventListener("change", function (event) {
    var box = event.target.type === "checkbox" || event.target.type === "radio";
    var el = (box && event.target.closest("fieldset.mb-falt, #f-systemfel")) || event.target;
    touched[el.id] = true;
    update();
  });
  form.addEventListener("focusout", function (event) {
    if (event.target.id) touched[event.target.id] = true;
    var group = event.target.closest("fieldset.mb-falt");
    if (group) touched[group.id] = true;
    update();
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });

  // Rows: "Lägg till …" copies the part's <template>, "Ta bort …" removes a row.
  var rowNumbers = {};
  form.addEventListener("click", function (event) {
    var add = event.target.closest(".mb-lagg-till");
    var remove = event.target.closest(".mb-ta-bort");
    if (add) {
      var name = add.getAttribute("data-mall");
      rowNumbers[name] = (rowNumbers[name] || 1) + 1;
      var html = $("mall-" + name).innerHTML.replace(/__N__/g, String(rowNumbers[name]));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.firstElementChild;
      $("rader-" + name).appendChild(row);
      var first = row.querySelector("input, select, textarea");
      if (first) first.focus();
      update();
    } else if (remove) {
      remove.closest(".mb-rad").remove();
      update();
    }
  });

  $("mb-ladda-ner").addEventListener("click", function () {
    var now = readyOrExplain();
    if (!now) return;
    var blob = new Blob([now.content], { type: "text/markdown;charset=utf-8" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = now.state.slug + ".md";
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  });
  var githubLink = $("mb-github");
  if (githubLink) {
    githubLink.addEventListener("click", function (event) {
      var now = readyOrExplain();
      if (!now) { event.preventDefault(); return; }
      if (githubLink.href.length > 8000) {
        event.preventDefault();
        var summary = $("mb-sammanfattning");
        summary.hidden = false;
        summary.textContent = "Filen är för lång för att öppnas direkt i GitHub. Ladda ner den i stället och ladda upp den i mappen projekt/.";
      }
    });
  }

  update();
  fetch(form.getAttribute("data-schema"))
    .then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    })
    .then(function (loaded) { schema = loaded; form.setAttribute("data-klar", "ja"); update(); })
    .catch(function () {
      var note = $("mb-schemafel");
      note.hidden = false;
      note.textContent = "Reglerna för kontrollen (schema/projekt.schema.json) kunde inte laddas, så formuläret kan inte visa fel. " +
        "Du kan ändå ladda ner filen – kontrollera den med metodbank kontrollera innan du lämnar in den.";
      form.setAttribute("data-klar", "utan-schema");
    });
})();
