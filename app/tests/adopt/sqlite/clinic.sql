-- A clinic: staff with a reporting line, patients, appointments, prescriptions, rooms.
CREATE TABLE departments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name VARCHAR(80) NOT NULL UNIQUE,
    floor SMALLINT NOT NULL DEFAULT 0
);

CREATE TABLE staff (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    department_id INTEGER NOT NULL REFERENCES departments (id),
    manager_id INTEGER REFERENCES staff (id) ON DELETE SET NULL,
    role TEXT NOT NULL CONSTRAINT ck_staff_role_enum CHECK (role IN ('doctor', 'nurse', 'admin')),
    "firstName" VARCHAR(60) NOT NULL,
    "lastName" VARCHAR(60) NOT NULL,
    hired_on DATE NOT NULL DEFAULT CURRENT_DATE,
    salary NUMERIC(9, 2),
    left_on DATE
);

CREATE INDEX staff_active_idx ON staff (department_id) WHERE left_on IS NULL;

CREATE TABLE patients (
    id UUID NOT NULL PRIMARY KEY,
    mrn VARCHAR(16) NOT NULL,
    name TEXT NOT NULL,
    birth_date DATE NOT NULL,
    phone VARCHAR(32),
    CONSTRAINT patients_mrn_key UNIQUE (mrn)
);

CREATE TABLE rooms (
    department_id INTEGER NOT NULL REFERENCES departments (id) ON DELETE CASCADE,
    number VARCHAR(8) NOT NULL,
    beds SMALLINT NOT NULL DEFAULT 1 CHECK (beds >= 0),
    PRIMARY KEY (department_id, number)
);

CREATE TABLE "user" (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    login VARCHAR(40) NOT NULL UNIQUE,
    staff_id INTEGER REFERENCES staff (id),
    password_hash BLOB NOT NULL,
    last_login TIMESTAMPTZ
);

CREATE TABLE appointments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id UUID NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    doctor_id INTEGER NOT NULL REFERENCES staff (id),
    room_department INTEGER,
    room_number VARCHAR(8),
    kind TEXT NOT NULL DEFAULT 'first-visit' CONSTRAINT ck_appointments_kind_enum CHECK (kind IN ('first-visit', 'follow-up', 'emergency')),
    starts_at TIMESTAMP NOT NULL,
    duration_min INTEGER NOT NULL DEFAULT 15,
    cancelled BOOLEAN NOT NULL DEFAULT 0,
    CONSTRAINT appointments_room_fk FOREIGN KEY (room_department, room_number) REFERENCES rooms (department_id, number) ON DELETE SET NULL,
    CONSTRAINT appointments_duration_check CHECK (duration_min > 0 AND duration_min <= 480)
);

CREATE INDEX appointments_upcoming_idx ON appointments (doctor_id, starts_at) WHERE NOT cancelled;

CREATE TABLE diagnoses (
    code VARCHAR(10) NOT NULL PRIMARY KEY,
    title TEXT NOT NULL,
    parent_code VARCHAR(10) REFERENCES diagnoses (code)
);

CREATE TABLE appointment_diagnoses (
    appointment_id INTEGER NOT NULL REFERENCES appointments (id) ON DELETE CASCADE,
    diagnosis_code VARCHAR(10) NOT NULL REFERENCES diagnoses (code),
    is_primary BOOLEAN NOT NULL DEFAULT 0,
    PRIMARY KEY (appointment_id, diagnosis_code)
);

CREATE TABLE medications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name VARCHAR(120) NOT NULL UNIQUE,
    strength_mg DOUBLE
);

CREATE TABLE prescriptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    appointment_id INTEGER NOT NULL REFERENCES appointments (id),
    medication_id INTEGER NOT NULL REFERENCES medications (id) ON UPDATE CASCADE,
    doses_per_day SMALLINT NOT NULL DEFAULT 1,
    days SMALLINT NOT NULL,
    notes JSON DEFAULT '{}'
);

CREATE TABLE vitals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id UUID NOT NULL REFERENCES patients (id),
    taken_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    weight_kg NUMERIC(5, 1),
    height_cm NUMERIC(5, 1),
    bmi REAL GENERATED ALWAYS AS (weight_kg / ((height_cm / 100.0) * (height_cm / 100.0))) VIRTUAL
);

CREATE VIEW todays_appointments AS SELECT a.id, p.name, a.starts_at FROM appointments a JOIN patients p ON p.id = a.patient_id WHERE date(a.starts_at) = date('now');

CREATE TRIGGER appointments_min_duration AFTER INSERT ON appointments WHEN NEW.duration_min < 5 BEGIN UPDATE appointments SET duration_min = 5 WHERE id = NEW.id; END;

INSERT INTO departments (name, floor) VALUES ('Cardiology', 2), ('Emergency', 0);

INSERT INTO staff (department_id, role, "firstName", "lastName", salary) VALUES (1, 'doctor', 'Grace', 'Hopper', 9000.00), (1, 'nurse', 'Ada', 'Lovelace', 4000.00);

INSERT INTO patients (id, mrn, name, birth_date) VALUES ('6f1c1f4e-9a0b-4c4e-8a59-0d7a3b1f2e11', 'MRN-1', 'Alan', '1954-06-23');

INSERT INTO rooms (department_id, number, beds) VALUES (1, '2.01', 2);

INSERT INTO appointments (patient_id, doctor_id, room_department, room_number, kind, starts_at) VALUES ('6f1c1f4e-9a0b-4c4e-8a59-0d7a3b1f2e11', 1, 1, '2.01', 'follow-up', '2026-01-02 10:00:00');

INSERT INTO diagnoses (code, title) VALUES ('I10', 'Hypertension');

INSERT INTO appointment_diagnoses (appointment_id, diagnosis_code, is_primary) VALUES (1, 'I10', 1);
