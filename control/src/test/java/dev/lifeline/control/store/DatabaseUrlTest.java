package dev.lifeline.control.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

    @Test
    void anOperatorsUrlBecomesAJdbcUrlAndCredentials() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://fleet:p%40ss@db.example:5433/lifeline");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:5433/lifeline");
        assertThat(url.user()).isEqualTo("fleet");
        assertThat(url.password()).isEqualTo("p@ss");
        assertThat(url.toString()).isEqualTo("fleet@db.example:5433/lifeline").doesNotContain("p@ss");
    }

    @Test
    void severalHostsFollowThePrimary() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://fleet@db1:5432,db2:5432/lifeline"
                + "?target_session_attrs=read-write");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db1:5432,db2:5432/lifeline?targetServerType=primary");
    }

    @Test
    void aMalformedUrlIsRefusedWithTheExpectedFormAndNoPassword() {
        assertThatThrownBy(() -> DatabaseUrl.parse("mysql://root:hunter2@db/x"))
                .hasMessageContaining("postgresql://USER:PASSWORD@HOST").hasMessageNotContaining("hunter2");
    }
}
