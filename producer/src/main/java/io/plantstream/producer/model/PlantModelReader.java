package io.plantstream.producer.model;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads a plant model YAML document into the model records, checking everything on the way and
 * collecting every problem (with file, line and path) instead of stopping at the first.
 *
 * <p>The document is parsed by jackson-dataformat-yaml into a tree and read field by field, rather
 * than bound in one go, precisely so that one bad value does not hide the others.
 */
final class PlantModelReader {

  private static final Pattern ID = Pattern.compile("[a-z0-9]+(?:-[a-z0-9]+)*");
  /** A larger group of one kind on one line is more likely a typo than a plant; ids take up to four digits. */
  private static final int MAX_COUNT = 9_999;

  private static final YAMLFactory FACTORY =
      YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final ObjectMapper MAPPER = new YAMLMapper(FACTORY);

  private final String source;
  private final YamlLines lines;
  private final List<String> errors = new ArrayList<>();

  private PlantModelReader(String source, YamlLines lines) {
    this.source = source;
    this.lines = lines;
  }

  /** Reads {@code yaml} (named {@code source} in messages); throws listing every problem found. */
  static PlantModel read(String yaml, String source) {
    JsonNode root;
    try {
      root = MAPPER.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new PlantModelException(source, List.of(syntaxError(source, e)));
    }
    PlantModelReader reader = new PlantModelReader(source, YamlLines.index(FACTORY, yaml));
    PlantModel model = reader.model(root);
    if (!reader.errors.isEmpty()) {
      throw new PlantModelException(source, reader.errors);
    }
    return model;
  }

  private static String syntaxError(String source, JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String where = at == null || at.getLineNr() < 1 ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr();
    String message = String.valueOf(e.getOriginalMessage()).strip();
    int newline = message.indexOf('\n');
    return source + where + ": not valid YAML: " + (newline < 0 ? message : message.substring(0, newline));
  }

  private PlantModel model(JsonNode root) {
    if (root == null || root.isMissingNode() || root.isNull()) {
      error(NodePath.ROOT, "the document is empty; expected machineKinds and sites");
      return null;
    }
    ObjectNode top = mapping(root, NodePath.ROOT);
    if (top == null) {
      return null;
    }
    knownFields(top, NodePath.ROOT, "machineKinds", "sites");
    NodePath kindsPath = NodePath.ROOT.field("machineKinds");
    Map<String, MachineKind> kinds = machineKinds(top.get("machineKinds"), kindsPath);
    Set<String> declaredKinds = new TreeSet<>();
    if (top.get("machineKinds") instanceof ObjectNode) {
      top.get("machineKinds").fieldNames().forEachRemaining(declaredKinds::add);
    }
    List<Site> sites = sites(top, declaredKinds);
    if (!errors.isEmpty()) {
      return null;
    }
    return new PlantModel(source, kinds, sites);
  }

  // ---- machine kinds ------------------------------------------------------------------------

  private Map<String, MachineKind> machineKinds(JsonNode node, NodePath path) {
    Map<String, MachineKind> kinds = new LinkedHashMap<>();
    if (isAbsent(node)) {
      error(path, "missing; declare the machine kinds (id: {unitName, idealCycle, mtbf, mttr, yield, ...})");
      return kinds;
    }
    ObjectNode mapping = mapping(node, path);
    if (mapping == null) {
      return kinds;
    }
    if (mapping.isEmpty()) {
      error(path, "must declare at least one machine kind");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = mapping.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      NodePath kindPath = path.field(entry.getKey());
      id(entry.getKey(), kindPath, "machine kind id");
      MachineKind kind = machineKind(entry.getKey(), entry.getValue(), kindPath);
      if (kind != null) {
        kinds.put(kind.id(), kind);
      }
    }
    return kinds;
  }

  private MachineKind machineKind(String id, JsonNode node, NodePath path) {
    ObjectNode kind = mapping(node, path);
    if (kind == null) {
      return null;
    }
    knownFields(kind, path, "unitName", "idealCycle", "mtbf", "mttr", "yield", "performanceLoss",
        "defectCodes", "sensors", "sensorEvery", "starvation", "maintenance", "engineering", "yieldDrift", "excursions",
        "unattended");
    String unitName = text(kind, "unitName", path, true);
    Duration idealCycle = duration(kind, "idealCycle", path, true);
    Duration mtbf = duration(kind, "mtbf", path, true);
    Duration mttr = duration(kind, "mttr", path, true);
    Double yield = fraction(kind, "yield", path, true);
    Double performanceLoss = fraction(kind, "performanceLoss", path, false);
    List<String> defectCodes = defectCodes(kind, path);
    Duration sensorEvery = sensorInterval(kind, "sensorEvery", path);
    List<SensorSpec> sensors = sensors(kind, path.field("sensors"),
        sensorEvery == null ? SensorSpec.DEFAULT_EVERY : sensorEvery);
    MachineKind.Starvation starvation = starvation(kind.get("starvation"), path.field("starvation"));
    MachineKind.Maintenance maintenance = maintenance(kind.get("maintenance"), path.field("maintenance"));
    MachineKind.Engineering engineering = engineering(kind.get("engineering"), path.field("engineering"));
    MachineKind.YieldDrift yieldDrift = yieldDrift(kind.get("yieldDrift"), path.field("yieldDrift"));
    MachineKind.Excursions excursions = excursions(kind.get("excursions"), path.field("excursions"));
    Boolean unattended = bool(kind, "unattended", path);
    boolean failuresPossible = yield != null && yield < 1 || excursions != null && excursions.yield() < 1;
    if (failuresPossible && defectCodes != null && defectCodes.isEmpty()) {
      error(path.field("defectCodes"), "must list at least one defect code when yield is below 1");
    }
    if (unitName == null || idealCycle == null || mtbf == null || mttr == null || yield == null
        || defectCodes == null || sensors == null || unattended == null) {
      return null;
    }
    return new MachineKind(id, unitName, idealCycle, mtbf, mttr, yield,
        performanceLoss == null ? 0.0 : performanceLoss, defectCodes, sensors, starvation,
        maintenance, engineering, yieldDrift, excursions, unattended);
  }

  private List<String> defectCodes(ObjectNode kind, NodePath path) {
    List<String> codes = new ArrayList<>();
    NodePath listPath = path.field("defectCodes");
    List<JsonNode> items = list(kind, "defectCodes", path, false);
    if (items == null) {
      return null;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      String code = scalarText(items.get(i), listPath.index(i));
      if (code != null && !seen.add(code)) {
        error(listPath.index(i), "duplicate defect code '" + code + "'");
      }
      codes.add(code);
    }
    return codes.contains(null) ? null : codes;
  }

  private List<SensorSpec> sensors(ObjectNode kind, NodePath path, Duration kindEvery) {
    List<JsonNode> items = list(kind, "sensors", path.parent(), false);
    if (items == null) {
      return null;
    }
    List<SensorSpec> sensors = new ArrayList<>();
    Set<String> names = new HashSet<>();
    boolean valid = true;
    for (int i = 0; i < items.size(); i++) {
      NodePath sensorPath = path.index(i);
      SensorSpec sensor = sensor(items.get(i), sensorPath, kindEvery);
      if (sensor == null) {
        valid = false;
      } else if (!names.add(sensor.name())) {
        error(sensorPath.field("name"), "duplicate sensor name '" + sensor.name() + "'");
      } else {
        sensors.add(sensor);
      }
    }
    return valid ? sensors : null;
  }

  private SensorSpec sensor(JsonNode node, NodePath path, Duration kindEvery) {
    ObjectNode sensor = mapping(node, path);
    if (sensor == null) {
      return null;
    }
    knownFields(sensor, path, "name", "unit", "min", "max", "noise", "standby", "down", "beforeFailure", "excursionShift",
        "every");
    String name = text(sensor, "name", path, true);
    String unit = text(sensor, "unit", path, true);
    Double min = number(sensor, "min", path, true);
    Double max = number(sensor, "max", path, true);
    Double noise = number(sensor, "noise", path, false);
    Double standby = number(sensor, "standby", path, false);
    Double down = number(sensor, "down", path, false);
    SensorSpec.Precursor beforeFailure = precursor(sensor.get("beforeFailure"), path.field("beforeFailure"));
    Double excursionShift = number(sensor, "excursionShift", path, false);
    Duration every = sensorInterval(sensor, "every", path);
    if (min != null && max != null && min > max) {
      error(path.field("max"), "must not be below min (" + min + "), got " + max);
    }
    if (noise != null && noise < 0) {
      error(path.field("noise"), "must not be negative, got " + noise);
    }
    if (name == null || unit == null || min == null || max == null) {
      return null;
    }
    return new SensorSpec(name, unit, min, max, noise == null ? 0.0 : noise, standby, down, beforeFailure,
        excursionShift == null ? 0.0 : excursionShift, every == null ? kindEvery : every);
  }

  /** An optional time between sensor readings; null when absent or invalid (reported). */
  private Duration sensorInterval(ObjectNode node, String field, NodePath path) {
    Duration every = duration(node, field, path, false);
    if (every != null && every.compareTo(SensorSpec.SHORTEST_EVERY) < 0) {
      error(path.field(field), "must be at least " + Durations.format(SensorSpec.SHORTEST_EVERY) + ", got "
          + node.get(field).asText());
      return null;
    }
    return every;
  }

  private SensorSpec.Precursor precursor(JsonNode node, NodePath path) {
    if (isAbsent(node)) {
      return null;
    }
    ObjectNode precursor = mapping(node, path);
    if (precursor == null) {
      return null;
    }
    knownFields(precursor, path, "lead", "rise");
    Duration lead = duration(precursor, "lead", path, true);
    Double rise = number(precursor, "rise", path, true);
    return lead == null || rise == null ? null : new SensorSpec.Precursor(lead, rise);
  }

  private MachineKind.Starvation starvation(JsonNode node, NodePath path) {
    if (isAbsent(node)) {
      return null;
    }
    ObjectNode starvation = mapping(node, path);
    if (starvation == null) {
      return null;
    }
    knownFields(starvation, path, "every", "duration");
    Duration every = duration(starvation, "every", path, true);
    Duration duration = duration(starvation, "duration", path, true);
    return every == null || duration == null ? null : new MachineKind.Starvation(every, duration);
  }

  private MachineKind.Maintenance maintenance(JsonNode node, NodePath path) {
    Duration[] pair = everyAndDuration(node, path);
    if (pair == null) {
      return null;
    }
    if (pair[1].compareTo(pair[0]) >= 0) {
      error(path.field("duration"), "must be shorter than every (" + Durations.format(pair[0]) + "), got "
          + Durations.format(pair[1]));
      return null;
    }
    return new MachineKind.Maintenance(pair[0], pair[1]);
  }

  private MachineKind.Engineering engineering(JsonNode node, NodePath path) {
    Duration[] pair = everyAndDuration(node, path);
    return pair == null ? null : new MachineKind.Engineering(pair[0], pair[1]);
  }

  private Duration[] everyAndDuration(JsonNode node, NodePath path) {
    if (isAbsent(node)) {
      return null;
    }
    ObjectNode mapping = mapping(node, path);
    if (mapping == null) {
      return null;
    }
    knownFields(mapping, path, "every", "duration");
    Duration every = duration(mapping, "every", path, true);
    Duration duration = duration(mapping, "duration", path, true);
    return every == null || duration == null ? null : new Duration[] {every, duration};
  }

  private MachineKind.YieldDrift yieldDrift(JsonNode node, NodePath path) {
    if (isAbsent(node)) {
      return null;
    }
    ObjectNode drift = mapping(node, path);
    if (drift == null) {
      return null;
    }
    knownFields(drift, path, "sigma", "correlation");
    Double sigma = number(drift, "sigma", path, true);
    if (sigma != null && !(sigma >= 0 && sigma <= 2)) {
      error(path.field("sigma"), "must be between 0 and 2, got " + sigma);
      sigma = null;
    }
    Duration correlation = duration(drift, "correlation", path, true);
    return sigma == null || correlation == null ? null : new MachineKind.YieldDrift(sigma, correlation);
  }

  private MachineKind.Excursions excursions(JsonNode node, NodePath path) {
    if (isAbsent(node)) {
      return null;
    }
    ObjectNode excursions = mapping(node, path);
    if (excursions == null) {
      return null;
    }
    knownFields(excursions, path, "every", "duration", "yield");
    Duration every = duration(excursions, "every", path, true);
    Duration duration = duration(excursions, "duration", path, true);
    Double yield = fraction(excursions, "yield", path, true);
    return every == null || duration == null || yield == null ? null : new MachineKind.Excursions(every, duration, yield);
  }

  private Boolean bool(ObjectNode node, String field, NodePath path) {
    JsonNode value = node.get(field);
    if (isAbsent(value)) {
      return false;
    }
    if (!value.isBoolean()) {
      error(path.field(field), "must be true or false, got " + describe(value));
      return null;
    }
    return value.booleanValue();
  }

  // ---- sites, lines, machines ---------------------------------------------------------------

  private List<Site> sites(ObjectNode top, Set<String> declaredKinds) {
    NodePath path = NodePath.ROOT.field("sites");
    List<JsonNode> items = list(top, "sites", NodePath.ROOT, true);
    List<Site> sites = new ArrayList<>();
    if (items == null) {
      return sites;
    }
    if (items.isEmpty() && top.has("sites")) {
      error(path, "must list at least one site");
    }
    Map<String, NodePath> siteIds = new HashMap<>();
    Map<String, NodePath> lineIds = new HashMap<>();
    Map<String, NodePath> machineIds = new HashMap<>();
    for (int i = 0; i < items.size(); i++) {
      Site site = site(items.get(i), path.index(i), declaredKinds, siteIds, lineIds, machineIds);
      if (site != null) {
        sites.add(site);
      }
    }
    return sites;
  }

  private Site site(JsonNode node, NodePath path, Set<String> declaredKinds, Map<String, NodePath> siteIds,
      Map<String, NodePath> lineIds, Map<String, NodePath> machineIds) {
    ObjectNode site = mapping(node, path);
    if (site == null) {
      return null;
    }
    knownFields(site, path, "id", "operator", "place", "timeZone", "kind", "calendar", "lines");
    String id = text(site, "id", path, true);
    if (id != null) {
      id(id, path.field("id"), "site id");
      unique(siteIds, id, path, "site id");
    }
    String operator = text(site, "operator", path, true);
    String place = text(site, "place", path, true);
    ZoneId timeZone = timeZone(site, path);
    String kind = text(site, "kind", path, true);
    ShiftCalendar calendar = calendar(site.get("calendar"), path.field("calendar"), timeZone);
    List<Line> lines = new ArrayList<>();
    List<JsonNode> items = list(site, "lines", path, true);
    if (items != null && items.isEmpty()) {
      error(path.field("lines"), "must list at least one line");
    }
    boolean linesValid = items != null;
    for (int i = 0; items != null && i < items.size(); i++) {
      NodePath linePath = path.field("lines").index(i);
      Line line = line(items.get(i), linePath, id, declaredKinds, lineIds, machineIds);
      if (line == null) {
        linesValid = false;
      } else {
        lines.add(line);
      }
    }
    if (id == null || operator == null || place == null || timeZone == null || kind == null || calendar == null
        || !linesValid) {
      return null;
    }
    return new Site(id, operator, place, timeZone, kind, lines, calendar);
  }

  /**
   * The site's calendar; 24/7 without shifts when absent; null (after reporting) when invalid or
   * the zone is unknown. {@code aroundTheClock: true} keeps the machines scheduled outside the shifts.
   */
  private ShiftCalendar calendar(JsonNode node, NodePath path, ZoneId zone) {
    if (isAbsent(node)) {
      return zone == null ? null : ShiftCalendar.continuous(zone);
    }
    ObjectNode calendar = mapping(node, path);
    if (calendar == null) {
      return null;
    }
    knownFields(calendar, path, "shifts", "holidays", "aroundTheClock");
    Boolean aroundTheClock = bool(calendar, "aroundTheClock", path);
    List<JsonNode> items = list(calendar, "shifts", path, true);
    if (items != null && items.isEmpty()) {
      error(path.field("shifts"),
          "must list at least one shift; leave out calendar for a site that runs 24/7 without shifts");
    }
    List<ShiftCalendar.Shift> shifts = new ArrayList<>();
    List<Integer> indexes = new ArrayList<>();
    Set<String> names = new HashSet<>();
    boolean valid = items != null && aroundTheClock != null;
    for (int i = 0; items != null && i < items.size(); i++) {
      NodePath shiftPath = path.field("shifts").index(i);
      ShiftCalendar.Shift shift = shift(items.get(i), shiftPath);
      if (shift == null) {
        valid = false;
      } else if (!names.add(shift.name())) {
        error(shiftPath.field("name"), "duplicate shift name '" + shift.name() + "'");
        valid = false;
      } else {
        for (int j = 0; j < shifts.size(); j++) {
          String overlap = overlap(shifts.get(j), shift);
          if (overlap != null) {
            error(shiftPath, "overlaps shift '" + shifts.get(j).name() + "' (shifts[" + indexes.get(j) + "]) "
                + overlap + "; the shifts of a calendar must not overlap");
            valid = false;
          }
        }
        shifts.add(shift);
        indexes.add(i);
      }
    }
    Set<LocalDate> holidays = new TreeSet<>();
    List<JsonNode> dates = list(calendar, "holidays", path, false);
    for (int i = 0; dates != null && i < dates.size(); i++) {
      NodePath datePath = path.field("holidays").index(i);
      String text = scalarText(dates.get(i), datePath);
      if (text == null) {
        valid = false;
        continue;
      }
      try {
        holidays.add(LocalDate.parse(text));
      } catch (DateTimeParseException e) {
        error(datePath, "'" + text + "' is not a date; use YYYY-MM-DD such as 2026-12-25");
        valid = false;
      }
    }
    if (!valid || dates == null || zone == null) {
      return null;
    }
    return new ShiftCalendar(zone, shifts, holidays, aroundTheClock);
  }

  private static final int MINUTES_PER_DAY = 24 * 60;
  private static final int MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

  /**
   * Where {@code a} and {@code b} overlap in local time, e.g. "from TUE 06:00 to TUE 07:00" (the
   * first overlap of the week from Monday 00:00), or null if they never do. Each shift starts on
   * its days at {@code from} and lasts its nominal length; the week wraps around, so a Sunday night
   * shift overlaps a Monday morning one.
   */
  private static String overlap(ShiftCalendar.Shift a, ShiftCalendar.Shift b) {
    int first = -1;
    int last = -1;
    for (int[] x : weekIntervals(a)) {
      for (int[] y : weekIntervals(b)) {
        for (int wrap = -MINUTES_PER_WEEK; wrap <= MINUTES_PER_WEEK; wrap += MINUTES_PER_WEEK) {
          int start = Math.max(x[0], y[0] + wrap);
          int end = Math.min(x[1], y[1] + wrap);
          if (start < end) {
            int from = Math.floorMod(start, MINUTES_PER_WEEK);
            if (first < 0 || from < first) {
              first = from;
              last = from + end - start;
            }
          }
        }
      }
    }
    return first < 0 ? null : "from " + weekTime(first) + " to " + weekTime(last);
  }

  /** {@code shift}'s intervals in minutes from Monday 00:00 local time, one per day it starts on. */
  private static List<int[]> weekIntervals(ShiftCalendar.Shift shift) {
    int from = shift.from().getHour() * 60 + shift.from().getMinute();
    int length = (int) shift.length().toMinutes();
    List<int[]> intervals = new ArrayList<>();
    for (DayOfWeek day : shift.days()) {
      int start = (day.getValue() - 1) * MINUTES_PER_DAY + from;
      intervals.add(new int[] {start, start + length});
    }
    return intervals;
  }

  private static String weekTime(int minutes) {
    int inWeek = Math.floorMod(minutes, MINUTES_PER_WEEK);
    DayOfWeek day = DayOfWeek.of(inWeek / MINUTES_PER_DAY + 1);
    int minute = inWeek % MINUTES_PER_DAY;
    return day.name().substring(0, 3) + String.format(Locale.ROOT, " %02d:%02d", minute / 60, minute % 60);
  }

  private ShiftCalendar.Shift shift(JsonNode node, NodePath path) {
    ObjectNode shift = mapping(node, path);
    if (shift == null) {
      return null;
    }
    knownFields(shift, path, "name", "days", "from", "to");
    String name = text(shift, "name", path, true);
    Set<DayOfWeek> days = days(shift.get("days"), path.field("days"));
    LocalTime from = localTime(shift, "from", path);
    LocalTime to = localTime(shift, "to", path);
    return name == null || days == null || from == null || to == null ? null : new ShiftCalendar.Shift(name, days, from, to);
  }

  /** Days of the week: MON-FRI, SAT, MON,WED,FRI, a range across the week end (FRI-MON), or a list of those. */
  private Set<DayOfWeek> days(JsonNode node, NodePath path) {
    if (isAbsent(node)) {
      error(path, "missing; e.g. MON-FRI, MON-SUN or [MON, WED, FRI]");
      return null;
    }
    List<String> parts = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(item -> parts.add(item.asText()));
    } else if (node.isValueNode()) {
      parts.addAll(List.of(node.asText().split(",")));
    } else {
      error(path, "must be days such as MON-FRI or a list of them, got " + describe(node));
      return null;
    }
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    for (String part : parts) {
      String[] range = part.strip().split("-", -1);
      DayOfWeek first = range.length <= 2 ? day(range[0]) : null;
      DayOfWeek last = range.length == 2 ? day(range[1]) : first;
      if (first == null || last == null) {
        error(path, "'" + part.strip() + "' is not a day or range of days; use MON, TUE, WED, THU, FRI, SAT, SUN "
            + "or a range such as MON-FRI");
        return null;
      }
      for (DayOfWeek day = first; ; day = day.plus(1)) {
        days.add(day);
        if (day == last) {
          break;
        }
      }
    }
    if (days.isEmpty()) {
      error(path, "must name at least one day");
      return null;
    }
    return days;
  }

  private static DayOfWeek day(String text) {
    String name = text.strip().toUpperCase(Locale.ROOT);
    for (DayOfWeek day : DayOfWeek.values()) {
      if (name.length() >= 3 && day.name().startsWith(name)) {
        return day;
      }
    }
    return null;
  }

  private LocalTime localTime(ObjectNode node, String field, NodePath path) {
    String text = text(node, field, path, true);
    if (text == null) {
      return null;
    }
    if (text.equals("24:00")) {
      return LocalTime.MIDNIGHT;
    }
    LocalTime time;
    try {
      time = LocalTime.parse(text);
    } catch (DateTimeParseException e) {
      time = null;
    }
    // Shift times are whole minutes: plant.sites carries them as HH:mm.
    if (time == null || time.getSecond() != 0 || time.getNano() != 0) {
      error(path.field(field), "'" + text + "' is not a time of day; use HH:MM such as 06:00 or 22:30");
      return null;
    }
    return time;
  }

  private ZoneId timeZone(ObjectNode site, NodePath path) {
    String zone = text(site, "timeZone", path, true);
    if (zone == null) {
      return null;
    }
    try {
      return ZoneId.of(zone);
    } catch (DateTimeException e) {
      error(path.field("timeZone"), "unknown time zone '" + zone + "'; use a region id such as America/Phoenix");
      return null;
    }
  }

  private Line line(JsonNode node, NodePath path, String siteId, Set<String> declaredKinds,
      Map<String, NodePath> lineIds, Map<String, NodePath> machineIds) {
    ObjectNode line = mapping(node, path);
    if (line == null) {
      return null;
    }
    knownFields(line, path, "id", "machines");
    String id = text(line, "id", path, true);
    if (id != null && id(id, path.field("id"), "line id") && siteId != null && !id.startsWith(siteId + "-")) {
      error(path.field("id"), "must start with its site id, e.g. '" + siteId + "-" + id + "'");
    }
    if (id != null) {
      unique(lineIds, id, path, "line id");
    }
    List<JsonNode> items = list(line, "machines", path, true);
    if (items != null && items.isEmpty()) {
      error(path.field("machines"), "must list at least one machine group");
    }
    List<MachineGroup> groups = new ArrayList<>();
    boolean groupsValid = items != null;
    Set<String> kindsOnLine = new HashSet<>();
    for (int i = 0; items != null && i < items.size(); i++) {
      NodePath groupPath = path.field("machines").index(i);
      MachineGroup group = machineGroup(items.get(i), groupPath, declaredKinds);
      if (group == null) {
        groupsValid = false;
        continue;
      }
      if (!kindsOnLine.add(group.kind())) {
        error(groupPath.field("kind"), "kind '" + group.kind() + "' appears twice on this line; add up the counts instead");
        continue;
      }
      groups.add(group);
      for (int n = 1; id != null && n <= group.count(); n++) {
        String machineId = Machine.machineId(id, group.kind(), n, group.count());
        NodePath first = machineIds.putIfAbsent(machineId, groupPath);
        if (first != null) {
          error(groupPath, "duplicate machine id '" + machineId + "' (also made by " + first + ")");
        }
      }
    }
    return id == null || !groupsValid ? null : new Line(id, groups);
  }

  private MachineGroup machineGroup(JsonNode node, NodePath path, Set<String> declaredKinds) {
    ObjectNode group = mapping(node, path);
    if (group == null) {
      return null;
    }
    knownFields(group, path, "kind", "count");
    String kind = text(group, "kind", path, true);
    if (kind != null && !declaredKinds.contains(kind)) {
      error(path.field("kind"), "unknown machine kind '" + kind + "'; declared kinds: " + String.join(", ", declaredKinds));
      kind = null;
    }
    Integer count = count(group, path);
    return kind == null || count == null ? null : new MachineGroup(kind, count);
  }

  private void unique(Map<String, NodePath> seen, String id, NodePath path, String what) {
    NodePath first = seen.putIfAbsent(id, path);
    if (first != null) {
      error(path.field("id"), "duplicate " + what + " '" + id + "' (first at " + first + ")");
    }
  }

  private Integer count(ObjectNode group, NodePath path) {
    JsonNode node = group.get("count");
    NodePath at = path.field("count");
    if (isAbsent(node)) {
      error(at, "missing");
      return null;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      error(at, "must be a whole number, got '" + node.asText() + "'");
      return null;
    }
    int count = node.intValue();
    if (count < 1 || count > MAX_COUNT) {
      error(at, "must be between 1 and " + MAX_COUNT + ", got " + count);
      return null;
    }
    return count;
  }

  // ---- typed field access -------------------------------------------------------------------

  private ObjectNode mapping(JsonNode node, NodePath path) {
    if (node instanceof ObjectNode) {
      return (ObjectNode) node;
    }
    error(path, "must be a mapping (key: value lines), got " + describe(node));
    return null;
  }

  private void knownFields(ObjectNode node, NodePath path, String... known) {
    Set<String> allowed = new LinkedHashSet<>(List.of(known));
    node.fieldNames().forEachRemaining(name -> {
      if (!allowed.contains(name)) {
        error(path.field(name), "unknown field; expected one of: " + String.join(", ", allowed));
      }
    });
  }

  private boolean id(String id, NodePath path, String what) {
    if (ID.matcher(id).matches()) {
      return true;
    }
    error(path, what + " '" + id + "' must be lowercase letters and digits separated by single dashes");
    return false;
  }

  private String text(ObjectNode node, String field, NodePath path, boolean required) {
    JsonNode value = node.get(field);
    if (isAbsent(value)) {
      if (required) {
        error(path.field(field), "missing");
      }
      return null;
    }
    return scalarText(value, path.field(field));
  }

  private String scalarText(JsonNode value, NodePath path) {
    if (isAbsent(value) || value.isContainerNode()) {
      error(path, "must be a text value, got " + describe(value));
      return null;
    }
    String text = value.asText().strip();
    if (text.isEmpty()) {
      error(path, "must not be empty");
      return null;
    }
    return text;
  }

  private Double number(ObjectNode node, String field, NodePath path, boolean required) {
    JsonNode value = node.get(field);
    if (isAbsent(value)) {
      if (required) {
        error(path.field(field), "missing");
      }
      return null;
    }
    if (!value.isNumber()) {
      error(path.field(field), "must be a number, got " + describe(value));
      return null;
    }
    return value.doubleValue();
  }

  private Double fraction(ObjectNode node, String field, NodePath path, boolean required) {
    Double value = number(node, field, path, required);
    if (value != null && !(value >= 0 && value <= 1)) {
      error(path.field(field), "must be between 0 and 1, got " + value);
      return null;
    }
    return value;
  }

  private Duration duration(ObjectNode node, String field, NodePath path, boolean required) {
    JsonNode value = node.get(field);
    NodePath at = path.field(field);
    if (isAbsent(value)) {
      if (required) {
        error(at, "missing");
      }
      return null;
    }
    if (!value.isTextual()) {
      error(at, "must be a duration with a unit such as 25s, 4m or 6h, got " + describe(value));
      return null;
    }
    Duration duration;
    try {
      duration = Durations.parse(value.asText());
    } catch (IllegalArgumentException e) {
      error(at, e.getMessage());
      return null;
    }
    if (duration.isNegative() || duration.isZero()) {
      error(at, "must be positive, got " + value.asText());
      return null;
    }
    return duration;
  }

  private List<JsonNode> list(ObjectNode node, String field, NodePath path, boolean required) {
    JsonNode value = node.get(field);
    if (isAbsent(value)) {
      if (required) {
        error(path.field(field), "missing");
        return null;
      }
      return List.of();
    }
    if (!value.isArray()) {
      error(path.field(field), "must be a list (lines starting with '- '), got " + describe(value));
      return null;
    }
    List<JsonNode> items = new ArrayList<>();
    value.forEach(items::add);
    return items;
  }

  private static boolean isAbsent(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode();
  }

  private static String describe(JsonNode node) {
    if (isAbsent(node)) {
      return "nothing";
    }
    if (node.isObject()) {
      return "a mapping";
    }
    if (node.isArray()) {
      return "a list";
    }
    return "'" + node.asText() + "'";
  }

  private void error(NodePath path, String message) {
    int line = lines.lineOf(path);
    errors.add(source + (line > 0 ? ":" + line : "") + ": " + path + ": " + message);
  }
}
