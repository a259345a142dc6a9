//! The scale-out engine: a pool of `postgres` clients. Several `linli serve` instances share
//! one server; everything they must agree on (sessions, chain heads) lives in it.

use crate::Result;
use crate::db::{Conn, Dialect, Row, Value, numbered_placeholders};
use crate::error::StoreError;
use crate::pool::{Manage, Pool};
use bytes::BytesMut;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use postgres::{Client, NoTls};

pub(crate) struct PgDb {
    pool: Pool<Clients>,
}

struct Clients {
    url: String,
}

impl Manage for Clients {
    type Conn = Client;
    fn connect(&self) -> Result<Client> {
        let mut client = Client::connect(&self.url, NoTls)?;
        // Times are written as UTC text by the app; keep the server from converting anything.
        client.batch_execute("SET TIME ZONE 'UTC'")?;
        Ok(client)
    }
    fn is_broken(&self, conn: &mut Client) -> bool {
        conn.is_closed()
    }
}

impl PgDb {
    pub fn open(url: &str, size: usize) -> Result<Self> {
        let db = PgDb {
            pool: Pool::new(
                Clients {
                    url: url.to_string(),
                },
                size,
            ),
        };
        // Fail at start-up, not at the first request, when the server is unreachable.
        drop(db.pool.get()?);
        Ok(db)
    }

    pub fn transaction<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut dyn Conn) -> Result<T, E>,
        E: From<StoreError>,
    {
        let mut client = self.pool.get()?;
        let tx = client.transaction().map_err(StoreError::from)?;
        let mut c = PgConn(tx);
        match f(&mut c) {
            Ok(v) => {
                c.0.commit().map_err(StoreError::from)?;
                Ok(v)
            }
            Err(e) => {
                let _ = c.0.rollback();
                Err(e)
            }
        }
    }
}

// Each `postgres::Client` owns a small tokio runtime, and dropping a runtime inside async code
// panics. The last `Db` handle may well be dropped there (a server shutting down, a test
// ending), so idle clients are closed on a plain thread.
impl Drop for PgDb {
    fn drop(&mut self) {
        let idle = self.pool.drain();
        if !idle.is_empty() {
            let _ = std::thread::Builder::new()
                .name("linli-pg-close".into())
                .spawn(move || drop(idle));
        }
    }
}

struct PgConn<'a>(postgres::Transaction<'a>);

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(v) => match *ty {
                Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
                Type::BOOL => (*v != 0).to_sql(ty, out),
                Type::FLOAT8 => (*v as f64).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR | Type::UNKNOWN => v.to_string().to_sql(ty, out),
                _ => v.to_sql(ty, out),
            },
            Value::Text(v) => v.as_str().to_sql(ty, out),
            Value::Real(v) => v.to_sql(ty, out),
            Value::Blob(v) => v.as_slice().to_sql(ty, out),
        }
    }

    // Conversion is decided per value in `to_sql`, which refuses what it cannot represent.
    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

fn read_row(row: &postgres::Row) -> Result<Row> {
    let mut vals = Vec::with_capacity(row.len());
    for (i, col) in row.columns().iter().enumerate() {
        let v = match *col.type_() {
            Type::INT8 => row.try_get::<_, Option<i64>>(i)?.map(Value::Int),
            Type::INT4 => row
                .try_get::<_, Option<i32>>(i)?
                .map(|v| Value::Int(v.into())),
            Type::INT2 => row
                .try_get::<_, Option<i16>>(i)?
                .map(|v| Value::Int(v.into())),
            Type::BOOL => row
                .try_get::<_, Option<bool>>(i)?
                .map(|v| Value::Int(v.into())),
            Type::FLOAT8 => row.try_get::<_, Option<f64>>(i)?.map(Value::Real),
            Type::FLOAT4 => row
                .try_get::<_, Option<f32>>(i)?
                .map(|v| Value::Real(v.into())),
            Type::BYTEA => row.try_get::<_, Option<Vec<u8>>>(i)?.map(Value::Blob),
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => {
                row.try_get::<_, Option<String>>(i)?.map(Value::Text)
            }
            ref other => {
                return Err(StoreError::Db(format!(
                    "column {} has type {other}, which the store does not read (cast it to BIGINT or TEXT)",
                    col.name()
                )));
            }
        };
        vals.push(v.unwrap_or(Value::Null));
    }
    Ok(Row(vals))
}

fn refs(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

impl Conn for PgConn<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64> {
        Ok(self
            .0
            .execute(numbered_placeholders(sql).as_str(), &refs(params))?)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        self.0
            .query(numbered_placeholders(sql).as_str(), &refs(params))?
            .iter()
            .map(read_row)
            .collect()
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        Ok(self.0.batch_execute(sql)?)
    }
}
