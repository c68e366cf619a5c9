package io.plantstream.producer.publish;

import static io.plantstream.testing.TestMachine.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.plantstream.avro.ShiftInfo;
import io.plantstream.avro.SiteInfo;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.schemas.Topic;
import io.plantstream.schemas.Topics;
import java.time.LocalTime;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/** The sites of the plant model as {@code plant.sites} records, and their publishing against MockProducer. */
class SitesPublisherTest {

  private static final PlantModel MODEL = PlantModel.loadDefault();
  private static final List<SiteInfo> SITES = SitesPublisher.siteInfos(MODEL);
  private static final Topic<String, SiteInfo> TOPIC = Topics.defaults().sites();
  private static final List<String> EVERY_DAY =
      List.of("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY");

  @Test
  void everySiteOfTheModelIsOneRecordInModelOrderWithAtLeastOneShift() {
    assertThat(SITES).extracting(SiteInfo::getSiteId)
        .containsExactly("tsmc-phx", "amkor-az", "spil-az", "foxconn-hou", "wistron-dal")
        .isEqualTo(MODEL.siteIds());
    assertThat(SITES).allSatisfy(site -> assertThat(site.getShifts()).as(site.getSiteId()).isNotEmpty());
  }

  @Test
  void texasSitesAreInChicagoTimeAndArizonaSitesInPhoenixTime() {
    assertThat(SITES).filteredOn(site -> site.getSiteId().endsWith("-hou") || site.getSiteId().endsWith("-dal"))
        .hasSize(2)
        .allSatisfy(site -> assertThat(site.getTimeZone()).isEqualTo("America/Chicago"));
    assertThat(SITES).filteredOn(site -> site.getSiteId().endsWith("-phx") || site.getSiteId().endsWith("-az"))
        .hasSize(3)
        .allSatisfy(site -> assertThat(site.getTimeZone()).isEqualTo("America/Phoenix"));
  }

  @Test
  void aFabRunsAroundTheClockWithADayAndANightCrew() {
    SiteInfo fab = site("tsmc-phx");

    assertThat(fab).isEqualTo(new SiteInfo("tsmc-phx", "TSMC", "Phoenix, AZ", "wafer fab (front end)",
        "America/Phoenix", List.of(new ShiftInfo("day", EVERY_DAY, "06:00", "18:00"),
            new ShiftInfo("night", EVERY_DAY, "18:00", "06:00")), List.of(), true));
    assertThat(site("amkor-az").getScheduledAroundTheClock()).isTrue();
  }

  @Test
  void aSiteScheduledByItsShiftsCarriesThemWithItsHolidays() {
    SiteInfo foxconn = site("foxconn-hou");

    assertThat(foxconn.getScheduledAroundTheClock()).isFalse();
    assertThat(foxconn.getShifts()).containsExactly(
        new ShiftInfo("day", EVERY_DAY.subList(0, 6), "06:00", "14:30"),
        new ShiftInfo("swing", EVERY_DAY.subList(0, 5), "14:30", "23:00"));
    assertThat(foxconn.getHolidays()).startsWith("2026-11-26", "2026-12-25", "2027-01-01").hasSize(8);
    assertThat(foxconn.getHolidays()).isSorted();
    assertThat(site("wistron-dal").getScheduledAroundTheClock()).isFalse();
    assertThat(site("spil-az").getScheduledAroundTheClock()).isFalse();
  }

  @Test
  void nightShiftsEndAtOrBeforeTheyStart() {
    List<ShiftInfo> nights = SITES.stream().flatMap(site -> site.getShifts().stream())
        .filter(shift -> shift.getName().equals("night") || shift.getName().equals("third"))
        .toList();

    // tsmc-phx, amkor-az and spil-az have a night crew, wistron-dal a third shift.
    assertThat(nights).hasSize(4).allSatisfy(shift ->
        assertThat(LocalTime.parse(shift.getTo())).as(shift.getName()).isBeforeOrEqualTo(LocalTime.parse(shift.getFrom())));
    // Every other shift ends after it starts, the same day.
    assertThat(SITES.stream().flatMap(site -> site.getShifts().stream()).filter(shift -> !nights.contains(shift)))
        .isNotEmpty()
        .allSatisfy(shift -> assertThat(LocalTime.parse(shift.getTo())).isAfter(LocalTime.parse(shift.getFrom())));
  }

  @Test
  void aSiteWithoutACalendarHasNoShiftsAndRunsAroundTheClock() {
    PlantModel model = PlantModel.parse("""
        machineKinds:
          etch: {unitName: wafer, idealCycle: 2m, mtbf: 100h, mttr: 4h, yield: 1}
        sites:
          - id: fab
            operator: Fab Co
            place: Austin, TX
            timeZone: America/Chicago
            kind: wafer fab
            lines:
              - id: fab-etch
                machines:
                  - {kind: etch, count: 1}
        """, "plain.yaml");

    assertThat(SitesPublisher.siteInfos(model)).containsExactly(new SiteInfo("fab", "Fab Co", "Austin, TX", "wafer fab",
        "America/Chicago", List.of(), List.of(), true));
  }

  @Test
  void aShiftEndingAtMidnightIsWrittenAsZeroHundred() {
    PlantModel model = PlantModel.parse("""
        machineKinds:
          etch: {unitName: wafer, idealCycle: 2m, mtbf: 100h, mttr: 4h, yield: 1}
        sites:
          - id: fab
            operator: Fab Co
            place: Austin, TX
            timeZone: America/Chicago
            kind: wafer fab
            calendar:
              shifts:
                - {name: late, days: [SUN, WED, MON], from: "16:30", to: "24:00"}
            lines:
              - id: fab-etch
                machines:
                  - {kind: etch, count: 1}
        """, "midnight.yaml");

    assertThat(SitesPublisher.siteInfos(model).get(0).getShifts())
        .containsExactly(new ShiftInfo("late", List.of("MONDAY", "WEDNESDAY", "SUNDAY"), "16:30", "00:00"));
  }

  @Test
  void recordsSurviveTheWireFormat() {
    for (SiteInfo site : SITES) {
      assertThat(Topics.SITE_INFO_SERDE.decode(Topics.SITE_INFO_SERDE.encode(site))).isEqualTo(site);
    }
  }

  @Test
  void sitesArePublishedKeyedBySiteIdAtTheGivenTime() {
    MockProducer<String, SiteInfo> producer = new MockProducer<>(true, null, TOPIC.keySerde().serializer(),
        Topics.SITE_INFO_SERDE.serializer());

    long acknowledged = SitesPublisher.publish(producer, TOPIC, SITES, T0);

    assertThat(acknowledged).isEqualTo(5);
    assertThat(producer.history()).extracting(ProducerRecord::key).isEqualTo(MODEL.siteIds());
    assertThat(producer.history()).extracting(ProducerRecord::value).isEqualTo(SITES);
    assertThat(producer.history()).allSatisfy(record -> {
      assertThat(record.topic()).isEqualTo("plant.sites");
      assertThat(record.timestamp()).isEqualTo(T0.toEpochMilli());
    });
    assertThat(producer.closed()).isTrue();
  }

  @Test
  void aFailedSendNamesTheTopicAndTheSite() {
    MockProducer<String, SiteInfo> producer = new MockProducer<>(false, null, TOPIC.keySerde().serializer(),
        Topics.SITE_INFO_SERDE.serializer());
    producer.sendException = new TimeoutException("topic plant.sites not present in metadata");

    assertThatThrownBy(() -> SitesPublisher.publish(producer, TOPIC, SITES, T0))
        .isInstanceOf(PublishException.class)
        .hasMessage("cannot publish to topic plant.sites (site tsmc-phx): topic plant.sites not present in metadata");
    assertThat(producer.closed()).isTrue();
  }

  private static SiteInfo site(String id) {
    return SITES.stream().filter(site -> site.getSiteId().equals(id)).findFirst().orElseThrow();
  }
}
